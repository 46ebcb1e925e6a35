import { Agent, request } from 'undici';

/** An admin API client with its own keep-alive pool, so the publisher measures Herald, not TCP set-up. */
export function apiClient(baseUrl, token, connections = 64) {
  const dispatcher = new Agent({ connections, keepAliveTimeout: 60_000 });
  async function call(method, path, body) {
    const res = await request(baseUrl + path, {
      method,
      dispatcher,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.body.text();
    if (res.statusCode >= 400) throw new Error(`${method} ${path} → ${res.statusCode} ${text.slice(0, 300)}`);
    return text ? JSON.parse(text) : null;
  }
  return { call, close: () => dispatcher.close() };
}

export async function makeApp(api, name, endpointUrls, endpointExtra = {}) {
  const app = await api.call('POST', '/api/v1/apps', { name });
  for (const url of endpointUrls) await api.call('POST', `/api/v1/apps/${app.id}/endpoints`, { url, ...endpointExtra });
  return app;
}

export function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export const median = (xs) => {
  const s = [...xs].filter((x) => x !== null && x !== undefined).sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : null;
};
