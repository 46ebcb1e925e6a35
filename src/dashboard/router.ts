import { useEffect, useState } from 'preact/hooks';

// Routes live in the URL fragment (#/apps/…): the server serves one page, and a portal link's
// token, also in the fragment, is never sent to any server or in a Referer.

export type Route =
  | { name: 'login' }
  | { name: 'portal'; appId: string; token: string }
  /** Where a portal session ends when its link is expired, revoked or incomplete. */
  | { name: 'portal-expired'; reason: 'expired' | 'incomplete' | 'signed-out'; /** The ended portal's app, for its branding. */ appId: string | null }
  | { name: 'apps' }
  | { name: 'app'; appId: string }
  | { name: 'endpoint-new'; appId: string }
  | { name: 'endpoint'; appId: string; endpointId: string }
  | { name: 'endpoint-edit'; appId: string; endpointId: string }
  | { name: 'messages'; appId: string; query: URLSearchParams }
  | { name: 'message'; appId: string; msgId: string }
  /** The event catalogue: the admin's own (appId null), or inside an app (what its portal shows). */
  | { name: 'catalogue'; appId: string | null }
  /** Named operator tokens and the audit log (docs/operators.md). */
  | { name: 'operators' }
  | { name: 'audit-log' }
  | { name: 'not-found'; path: string };

export function parseRoute(hash: string): Route {
  const [path = '', search = ''] = hash.replace(/^#/, '').split('?');
  const query = new URLSearchParams(search);
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const [first, appId, section, id, action] = parts;
  if (parts.length === 0 || first === 'login') return { name: 'login' };
  if (first === 'portal-expired') {
    const reason = query.get('reason');
    return { name: 'portal-expired', reason: reason === 'incomplete' || reason === 'signed-out' ? reason : 'expired', appId: query.get('app') };
  }
  if (first === 'portal') return { name: 'portal', appId: query.get('app') ?? '', token: query.get('token') ?? '' };
  if (first === 'event-types' && parts.length === 1) return { name: 'catalogue', appId: null };
  if (first === 'operators' && parts.length === 1) return { name: 'operators' };
  if (first === 'audit-log' && parts.length === 1) return { name: 'audit-log' };
  if (first !== 'apps') return { name: 'not-found', path };
  if (!appId) return { name: 'apps' };
  if (!section) return { name: 'app', appId };
  if (section === 'endpoints' && id === 'new' && !action) return { name: 'endpoint-new', appId };
  if (section === 'endpoints' && id && !action) return { name: 'endpoint', appId, endpointId: id };
  if (section === 'endpoints' && id && action === 'edit') return { name: 'endpoint-edit', appId, endpointId: id };
  if (section === 'events' && !id) return { name: 'catalogue', appId };
  if (section === 'messages' && !id) return { name: 'messages', appId, query };
  if (section === 'messages' && id && !action) return { name: 'message', appId, msgId: id };
  return { name: 'not-found', path };
}

/** `href` for a screen: `link('apps', appId, 'endpoints')` → `#/apps/app_…/endpoints`. */
export function link(...segments: string[]): string {
  return `#/${segments.map(encodeURIComponent).join('/')}`;
}

export function navigate(href: string, options: { replace?: boolean } = {}): void {
  if (options.replace) {
    history.replaceState(null, '', href);
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else {
    location.hash = href.replace(/^#/, '');
  }
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const update = () => setRoute(parseRoute(location.hash));
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return route;
}
