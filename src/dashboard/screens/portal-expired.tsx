import { useEffect, useState } from 'preact/hooks';

export type PortalEnd = 'expired' | 'incomplete' | 'signed-out';

const HEADINGS: Record<PortalEnd, string> = { expired: 'Link expired', incomplete: 'Incomplete link', 'signed-out': 'Signed out' };

/** Used when Herald was not told the product's name (--product-name) or could not be asked. */
const UNNAMED = 'the service that gave you this link';

/**
 * What a customer sees when their portal link no longer works (expired or revoked), was cut
 * short, or they signed out: who to ask for a new one, and nothing else. Never the admin sign-in:
 * the customer has no admin token, and a login form would only suggest they should.
 */
export function PortalExpired({ reason }: { reason: PortalEnd }) {
  const product = useProductName();
  const ask = `ask ${product ?? UNNAMED} for a new one.`;
  const message =
    reason === 'incomplete' ? `This link is incomplete; ${ask}`
      : reason === 'signed-out' ? `You signed out. To come back, open your link again while it is valid, or ${ask}`
      : `This link has expired; ${ask}`;
  return (
    <main id="main" class="login">
      <h1>{HEADINGS[reason]}</h1>
      {product !== undefined && <p class="note note-info" role="status">{message}</p>}
      <p class="muted">Portal links work for a limited time, so that one forwarded or left in a browser history stops working.</p>
    </main>
  );
}

/** The product's name from GET /branding (public); undefined while asking, null when unnamed. */
function useProductName(): string | null | undefined {
  const [name, setName] = useState<string | null | undefined>(undefined);
  useEffect(() => {
    let live = true;
    fetch('branding')
      .then((res) => (res.ok ? (res.json() as Promise<{ productName?: unknown }>) : {}))
      .then((body: { productName?: unknown }) => typeof body.productName === 'string' && body.productName.trim() ? body.productName.trim() : null)
      .catch(() => null)
      .then((value) => live && setName(value));
    return () => {
      live = false;
    };
  }, []);
  return name;
}
