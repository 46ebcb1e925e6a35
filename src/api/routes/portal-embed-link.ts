// What a portal link looks like (docs/embedding.md). The page is /portal?link=<token id>: the id is
// not a secret (it only names the link), and it lets the server pick the CSP frame-ancestors for
// that link. The token itself stays in the fragment, which browsers never send to a server or in a
// Referer. /portal (no trailing slash) keeps the dashboard's relative URLs (./assets, api/v1)
// pointing where they point from `/`.

/** The URL a customer opens, or an `<herald-portal>` element frames. */
export function portalLinkUrl(publicUrl: string, appId: string, linkId: string, token: string): string {
  return `${publicUrl}/portal?link=${encodeURIComponent(linkId)}#/portal?app=${encodeURIComponent(appId)}&token=${encodeURIComponent(token)}`;
}

const attr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Copy-paste HTML for the host page: the embed script (served by Herald itself) and the element. */
export function embedSnippet(publicUrl: string, url: string, expiresAt: string | null): string {
  const expires = expiresAt ? ` expires-at="${attr(expiresAt)}"` : '';
  return `<script src="${attr(`${publicUrl}/portal/embed.js`)}" defer></script>\n<herald-portal src="${attr(url)}"${expires}></herald-portal>`;
}
