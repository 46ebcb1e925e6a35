// What an app's branding is (product name, logo, accent colour, theme) and what makes a logo
// acceptable. No I/O: the store keeps these, services/branding-service.ts applies the rules.

export type BrandTheme = 'light' | 'dark' | 'auto';
export const BRAND_THEMES: readonly BrandTheme[] = ['light', 'dark', 'auto'];

/** A logo is small enough to keep in the database and send with every portal load. */
export const LOGO_MAX_BYTES = 64 * 1024;
export type LogoType = 'image/png' | 'image/jpeg' | 'image/webp';
export const LOGO_TYPES: readonly LogoType[] = ['image/png', 'image/jpeg', 'image/webp'];

/** What one app sets for itself; null fields fall back to the server's defaults. */
export interface AppBranding {
  appId: string;
  productName: string | null;
  /** `#rrggbb`. */
  accent: string | null;
  theme: BrandTheme | null;
  updatedAt: string;
}

export interface BrandLogo {
  contentType: LogoType;
  bytes: Buffer;
  /** A digest of the bytes: the logo URL's version and its ETag. */
  etag: string;
  updatedAt: string;
}

/** A logo's description without its bytes (branding reads need no image). */
export type BrandLogoInfo = Omit<BrandLogo, 'bytes'> & { size: number };

/**
 * The image type the bytes themselves say they are, by their magic numbers (PNG's signature,
 * JPEG's SOI marker, WebP's RIFF....WEBP header); null for anything else, SVG included. The
 * content-type a client sends is a claim; these bytes decide what Herald serves.
 */
export function sniffLogoType(bytes: Uint8Array): LogoType | null {
  const starts = (sig: number[], at = 0) => bytes.length >= at + sig.length && sig.every((b, i) => bytes[at + i] === b);
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (starts([0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (starts([0x52, 0x49, 0x46, 0x46]) && starts([0x57, 0x45, 0x42, 0x50], 8)) return 'image/webp';
  return null;
}
