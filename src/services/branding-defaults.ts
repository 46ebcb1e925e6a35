import { readFileSync, statSync } from 'node:fs';
import { LOGO_MAX_BYTES, sniffLogoType } from '../domain/branding.js';
import { checkLogo, type BrandDefaults } from './branding-service.js';

/**
 * The server-wide branding from the options. --brand-logo's file is read once, at start-up, and
 * checked as an uploaded logo would be: a bad file stops the start with a message naming the
 * option, rather than a broken image in every portal.
 */
export function loadBrandDefaults(config: {
  productName: string | null; brandAccent: string | null; brandTheme: BrandDefaults['theme']; brandLogo: string | null;
}): BrandDefaults {
  return { productName: config.productName, accent: config.brandAccent?.toLowerCase() ?? null, theme: config.brandTheme, logo: config.brandLogo ? readLogo(config.brandLogo) : null };
}

function readLogo(path: string) {
  const name = `--brand-logo (HERALD_BRAND_LOGO) "${path}"`;
  let bytes: Buffer;
  try {
    // Checked before reading, so a path to something huge is refused without loading it.
    if (statSync(path).size > LOGO_MAX_BYTES) throw new Error(`the file is larger than 64 KiB (${LOGO_MAX_BYTES} bytes)`);
    bytes = readFileSync(path);
  } catch (err) {
    throw new Error(`${name}: ${(err as Error).message}`);
  }
  const type = sniffLogoType(bytes);
  if (!type) throw new Error(`${name}: not a PNG, JPEG or WebP image (SVG is refused: it can carry scripts)`);
  return checkLogo(type, bytes, new Date().toISOString());
}
