import { useEffect, useLayoutEffect, useState } from 'preact/hooks';

// The product's look in the portal (docs/branding.md): its name and logo in the header, its accent
// on buttons and links, its theme. Read from the public GET /branding?app=… (no token: the
// expired-link screen has none, and an <img> could not send one anyway). The admin dashboard never
// calls this and keeps Herald's look.

export interface Branding {
  productName: string | null;
  accent: string | null;
  accentText: string | null;
  accentLink: { light: string; dark: string } | null;
  theme: 'light' | 'dark' | 'auto';
  logoUrl: string | null;
}

/**
 * The branding of `appId`'s portal (null: the server's own); undefined while asking, null when it
 * could not be read or `appId` is false (the admin dashboard: nothing to ask).
 */
export function useBranding(appId: string | null | false): Branding | null | undefined {
  const [branding, setBranding] = useState<Branding | null | undefined>(appId === false ? null : undefined);
  useEffect(() => {
    let live = true;
    if (appId === false) {
      setBranding(null);
      return;
    }
    setBranding(undefined);
    fetch(appId ? `branding?app=${encodeURIComponent(appId)}` : 'branding')
      .then((res) => (res.ok ? (res.json() as Promise<Branding>) : null))
      .catch(() => null)
      .then((value) => live && setBranding(value));
    return () => {
      live = false;
    };
  }, [appId]);
  return branding;
}

const DARK = '(prefers-color-scheme: dark)';
/** Which mounted screen painted last: the portal's shell and the expired-link screen hand over to each other. */
let painter: object | null = null;

/**
 * Puts `branding` on the page while mounted: `data-theme` (styles.css forces light or dark with it;
 * none follows the browser), and the accent as CSS variables. Links take the accent adjusted for
 * the theme in force (accentLink), so a pale accent still reads at 4.5:1 on the page.
 * A layout effect: it runs with the render that shows the product's name, before the browser paints,
 * so no frame shows the name in the wrong look (an effect ran after paint, up to a frame later).
 */
export function useApplyBranding(branding: Branding | null | undefined): void {
  useLayoutEffect(() => {
    if (!branding) return;
    const root = document.documentElement;
    const media = window.matchMedia(DARK);
    const me = {};
    painter = me;
    const paint = () => {
      if (painter !== me) return;
      if (branding.theme === 'auto') root.removeAttribute('data-theme');
      else root.setAttribute('data-theme', branding.theme);
      if (!branding.accent || !branding.accentText || !branding.accentLink) {
        for (const name of ['--accent', '--accent-text', '--link']) root.style.removeProperty(name);
        return;
      }
      const dark = branding.theme === 'dark' || (branding.theme === 'auto' && media.matches);
      root.style.setProperty('--accent', branding.accent);
      root.style.setProperty('--accent-text', branding.accentText);
      root.style.setProperty('--link', dark ? branding.accentLink.dark : branding.accentLink.light);
    };
    paint();
    media.addEventListener('change', paint);
    return () => {
      media.removeEventListener('change', paint);
      // A screen mounted meanwhile (effects run children first) has painted already: keep its look.
      if (painter !== me) return;
      painter = null;
      root.removeAttribute('data-theme');
      for (const name of ['--accent', '--accent-text', '--link']) root.style.removeProperty(name);
    };
  }, [branding]);
}

/** The header's brand: the product's logo and name in a portal, "Herald" in the admin dashboard. */
export function BrandMark({ href, branding }: { href: string; branding: Branding | null | undefined }) {
  const name = branding?.productName ?? null;
  return (
    <a class="brand" href={href}>
      {branding?.logoUrl && <img class="brand-logo" src={branding.logoUrl} alt={name ? '' : 'Logo'} />}
      {branding === undefined ? null : (name ?? 'Herald')}
    </a>
  );
}
