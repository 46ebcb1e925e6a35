import { useApplyBranding, useBranding } from '../ui/branding';

export type PortalEnd = 'expired' | 'incomplete' | 'signed-out';

const HEADINGS: Record<PortalEnd, string> = { expired: 'Link expired', incomplete: 'Incomplete link', 'signed-out': 'Signed out' };

/** Used when Herald was not told the product's name (--product-name) or could not be asked. */
const UNNAMED = 'the service that gave you this link';

/**
 * What a customer sees when their portal link no longer works (expired or revoked), was cut
 * short, or they signed out: who to ask for a new one, and nothing else. Never the admin sign-in:
 * the customer has no admin token, and a login form would only suggest they should. It wears the
 * ended portal's branding when its app is known (`appId`), else the server's.
 */
export function PortalExpired({ reason, appId }: { reason: PortalEnd; appId?: string | null }) {
  const branding = useBranding(appId ?? null);
  useApplyBranding(branding);
  const product = branding === undefined ? undefined : branding?.productName?.trim() || null;
  const ask = `ask ${product ?? UNNAMED} for a new one.`;
  const message =
    reason === 'incomplete' ? `This link is incomplete; ${ask}`
      : reason === 'signed-out' ? `You signed out. To come back, open your link again while it is valid, or ${ask}`
      : `This link has expired; ${ask}`;
  return (
    <main id="main" class="login">
      {branding?.logoUrl && <img class="brand-logo" src={branding.logoUrl} alt={product ?? 'Logo'} />}
      <h1>{HEADINGS[reason]}</h1>
      {product !== undefined && <p class="note note-info" role="status">{message}</p>}
      <p class="muted">Portal links work for a limited time, so that one forwarded or left in a browser history stops working.</p>
    </main>
  );
}
