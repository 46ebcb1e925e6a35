import type { App, Endpoint } from '../domain/model.js';
import { ApiError } from '../errors/api-errors.js';
import type { Store } from '../store/store.js';

// HTTPS-only apps (`requireHttps`), as OfficeRnD refuses to save an http:// webhook URL; the
// server-wide --require-https applies to every app besides.

export const isPlainHttp = (url: string): boolean => /^http:/i.test(url.trim());

/** Refuses an http:// URL for an endpoint of an HTTPS-only app. */
export function checkAppAllowsUrl(app: Pick<App, 'requireHttps'> | null, url: string): void {
  if (app?.requireHttps && isPlainHttp(url)) {
    throw new ApiError('insecure_url', `endpoint URL "${url.slice(0, 200)}" must use https://: this app requires HTTPS endpoints (requireHttps)`);
  }
}

/**
 * Switching requireHttps on is refused while the app has any http:// endpoint (enabled or not),
 * naming them: silently disabling or keeping them would leave the setting saying something false.
 * The user changes or deletes them first. `keep`: which of them count (a config file leaves out
 * those it declares itself, as it checks their new URLs).
 */
export async function refuseIfHttpEndpoints(store: Store, appId: string, keep: (ep: Endpoint) => boolean = () => true): Promise<void> {
  const insecure: Endpoint[] = [];
  let iterator: string | undefined;
  for (;;) {
    const page = await store.listEndpoints(appId, { limit: 250, iterator });
    insecure.push(...page.data.filter((ep) => isPlainHttp(ep.url) && keep(ep)));
    if (page.done || !page.iterator) break;
    iterator = page.iterator;
  }
  if (insecure.length === 0) return;
  const shown = insecure.slice(0, 5).map((ep) => `${ep.id} (${ep.url.slice(0, 200)})`).join(', ');
  const more = insecure.length > 5 ? ` and ${insecure.length - 5} more` : '';
  const error = new ApiError(
    'insecure_endpoints',
    `requireHttps cannot be switched on while this app has http:// endpoints: ${shown}${more}. Change their URLs to https:// or delete them first.`,
  );
  error.fields = { endpoints: insecure.map((ep) => ({ id: ep.id, url: ep.url })) };
  throw error;
}
