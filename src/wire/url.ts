import { requireEntityFields } from './entity.js';
import type { WireEndpoint, WireMessage } from './types.js';

interface UrlParts {
  base: string;
  query: string | undefined;
  fragment: string | undefined;
}

function splitUrl(url: string): UrlParts {
  const hash = url.indexOf('#');
  const beforeHash = hash === -1 ? url : url.slice(0, hash);
  const fragment = hash === -1 ? undefined : url.slice(hash + 1);
  const mark = beforeHash.indexOf('?');
  if (mark === -1) return { base: beforeHash, query: undefined, fragment };
  return { base: beforeHash.slice(0, mark), query: beforeHash.slice(mark + 1), fragment };
}

/**
 * The target URL. Done on the string rather than through URL/URLSearchParams because those
 * re-encode the whole existing query (`a=b%20c` becomes `a=b+c`, `?flag` becomes `?flag=`), and a
 * receiver may check its URL byte for byte. The configured path is never altered, so
 * `/automation` stays `/automation?key=…`; an endpoint that wants `/automation/?key=…` (as the e-signing
 * automation service's documentation shows it) says so in its URL.
 */
export function renderUrl(msg: WireMessage, endpoint: Pick<WireEndpoint, 'url' | 'payloadFormat' | 'query'>): string {
  let { base, query, fragment } = splitUrl(endpoint.url);

  if (endpoint.payloadFormat === 'entity-ref') {
    const { eventType, entityType, entityId } = requireEntityFields(msg);
    const path = [eventType, entityType, entityId].map(encodeURIComponent).join('/');
    base = `${base.endsWith('/') ? base.slice(0, -1) : base}/${path}`;
  }

  const extra = Object.entries(endpoint.query ?? {})
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`)
    .join('&');
  if (extra !== '') {
    const joiner = query === undefined || query === '' || query.endsWith('&') ? '' : '&';
    query = `${query ?? ''}${joiner}${extra}`;
  }

  return base + (query === undefined ? '' : `?${query}`) + (fragment === undefined ? '' : `#${fragment}`);
}
