// The portal's half of embedding (public/embed.js is the host page's half; docs/embedding.md).
// When framed by <herald-portal>, the portal posts its content height so the frame fits it, and
// takes a fresh link's token from the host without reloading. Both directions are origin-checked:
// it posts only to the host origin embed.js named in the link's fragment (`parent=`), which the
// browser delivers only if the real parent has that origin (and Herald's CSP frame-ancestors let
// only allowed origins frame the page at all); it reads only messages from its parent window
// with that origin.

const PARENT_KEY = 'herald.embed.parent';

export type HostMessage = { herald: 'height'; height: number } | { herald: 'ready' | 'link-accepted' | 'link-refused' | 'expired' };

/** The host origin from `#/portal?…&parent=…`, kept for the tab so a reload still knows it. */
function hostOrigin(): string | null {
  const query = new URLSearchParams(location.hash.split('?')[1] ?? '');
  const given = query.get('parent');
  if (given) {
    try {
      const origin = new URL(given).origin;
      if (origin === given) sessionStorage.setItem(PARENT_KEY, origin);
    } catch {
      // Not an origin: ignore it, and post nothing.
    }
  }
  return sessionStorage.getItem(PARENT_KEY);
}

let post: (message: HostMessage) => void = () => {};

/** Tells the host page something (no-op when not framed by embed.js). */
export function tellHost(message: HostMessage): void {
  post(message);
}

/**
 * Starts the bridge; `onLink` gets a new link's app and token and answers whether it took it.
 * Returns a stop function (for the effect that starts it).
 */
export function startFrameBridge(onLink: (appId: string, token: string) => boolean): () => void {
  if (window.parent === window) return () => {};
  const parent = hostOrigin();
  if (!parent) return () => {};
  post = (message) => window.parent.postMessage(message, parent);

  let last = -1;
  const report = () => {
    // The html element's own height is its content's (a frame's viewport would only ever grow).
    const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height !== last) {
      last = height;
      post({ herald: 'height', height });
    }
  };
  const observer = new ResizeObserver(report);
  observer.observe(document.documentElement);
  observer.observe(document.body);

  const onMessage = (event: MessageEvent) => {
    if (event.source !== window.parent || event.origin !== parent) return;
    const data = event.data as { herald?: unknown; url?: unknown } | null;
    if (!data || typeof data !== 'object' || data.herald !== 'link' || typeof data.url !== 'string') return;
    const link = parseLink(data.url);
    post({ herald: link && onLink(link.appId, link.token) ? 'link-accepted' : 'link-refused' });
  };
  window.addEventListener('message', onMessage);
  post({ herald: 'ready' });
  report();
  return () => {
    observer.disconnect();
    window.removeEventListener('message', onMessage);
    post = () => {};
  };
}

/** A portal link of this same Herald: `…/portal?link=…#/portal?app=…&token=…`. */
function parseLink(url: string): { appId: string; token: string } | null {
  try {
    const parsed = new URL(url);
    if (parsed.origin !== location.origin) return null;
    const query = new URLSearchParams(parsed.hash.split('?')[1] ?? '');
    const appId = query.get('app');
    const token = query.get('token');
    return appId && token ? { appId, token } : null;
  } catch {
    return null;
  }
}
