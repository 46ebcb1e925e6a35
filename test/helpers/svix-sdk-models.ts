import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

// What the svix SDK's own TypeScript types say a response holds: a model's required fields (no
// `?`), read from the pinned package's declaration files, so a test can assert Herald sends each.

const modelsDir = join(dirname(createRequire(import.meta.url).resolve('svix')), 'models');

/** e.g. requiredFields('MessageOut') → ['eventType', 'id', 'payload', 'timestamp']. */
export function requiredFields(model: string): string[] {
  const file = join(modelsDir, `${model[0]!.toLowerCase()}${model.slice(1)}.d.ts`);
  const text = readFileSync(file, 'utf8');
  const body = text.slice(text.indexOf(`export interface ${model} {`));
  const fields = [...body.slice(0, body.indexOf('\n}')).matchAll(/^ {4}(\w+)(\??):/gm)];
  if (fields.length === 0) throw new Error(`no fields found for ${model} in ${file}`);
  return fields.filter((f) => f[2] === '').map((f) => f[1]!);
}

/** The required fields of `model` that `value` (raw JSON as Herald sent it) lacks or sends as undefined. */
export function missingRequired(model: string, value: Record<string, unknown>): string[] {
  return requiredFields(model).filter((name) => !(name in value) || value[name] === undefined);
}

/** A fetch for the SDK that keeps every JSON answer as Herald sent it (before the SDK maps it). */
export function recordingFetch() {
  const answers: Array<{ method: string; path: string; status: number; body: any }> = [];
  const fetcher = (async (input: string | URL | Request, init?: RequestInit) => {
    const res = await fetch(input, init);
    const text = await res.clone().text();
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    answers.push({ method: init?.method ?? 'GET', path: url.pathname, status: res.status, body: text ? JSON.parse(text) : null });
    return res;
  }) as typeof fetch;
  /** The last answer to `method path` (path as sent, ids included). */
  const last = (method: string, path: string | RegExp) => {
    const found = answers.filter((a) => a.method === method && (typeof path === 'string' ? a.path === path : path.test(a.path))).pop();
    if (!found) throw new Error(`no answer recorded for ${method} ${path}`);
    return found.body;
  };
  return { fetcher, answers, last };
}
