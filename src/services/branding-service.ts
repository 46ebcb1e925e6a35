import { createHash } from 'node:crypto';
import { readableOn, textOn } from '../domain/brand-colours.js';
import {
  LOGO_MAX_BYTES, LOGO_TYPES, sniffLogoType, type AppBranding, type BrandLogo, type BrandLogoInfo, type BrandTheme, type LogoType,
} from '../domain/branding.js';
import { ApiError } from '../errors/api-errors.js';
import type { BrandingPutBody } from '../schemas/branding.js';
import type { Store } from '../store/store.js';

/** The server-wide branding (--product-name, --brand-accent, --brand-theme, --brand-logo). */
export interface BrandDefaults {
  productName: string | null;
  accent: string | null;
  theme: BrandTheme;
  logo: BrandLogo | null;
}

/** What the portal applies: the app's own choices, each falling back to the server's. */
export interface EffectiveBranding {
  productName: string | null;
  /** null: Herald's own colours. */
  accent: string | null;
  /** White when it reaches AA on the accent, else black (one always does: see domain/brand-colours.ts). */
  accentText: string | null;
  /** The accent as link text on the portal's light and dark backgrounds, darkened or lightened to reach AA. */
  accentLink: { light: string; dark: string } | null;
  theme: BrandTheme;
  /** Relative to Herald's base URL (the portal's page), versioned by the image's digest; null: no logo. */
  logoUrl: string | null;
}

/** The app's own settings, null where it uses the server's default. */
export interface OwnBranding {
  productName: string | null;
  accent: string | null;
  theme: BrandTheme | null;
  logo: { contentType: LogoType; size: number; updatedAt: string } | null;
}

// The portal's page backgrounds (src/dashboard/styles.css --bg / --surface, the one of each theme
// that contrasts least with coloured text): links in the accent are made readable on these.
const LIGHT_BACKGROUND = '#f6f7f9';
const DARK_BACKGROUND = '#1b2129';

export const logoDigest = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex').slice(0, 16);

/**
 * A logo as sent: the declared content-type must be PNG, JPEG or WebP (never SVG, which can carry
 * script), the body at most LOGO_MAX_BYTES, and the bytes must be that image type by their magic
 * numbers. Also checks --brand-logo's file at start-up.
 */
export function checkLogo(contentTypeHeader: string | undefined, bytes: Buffer, now: string): BrandLogo {
  const declared = (contentTypeHeader ?? '').split(';')[0]!.trim().toLowerCase();
  const accepted = 'a PNG, JPEG or WebP image (content-type image/png, image/jpeg or image/webp) of at most 64 KiB';
  if (declared.includes('svg')) {
    throw new ApiError('unsupported_media_type', `SVG logos are refused (an SVG can carry scripts and remote references); send ${accepted}`);
  }
  if (!(LOGO_TYPES as readonly string[]).includes(declared)) {
    throw new ApiError('unsupported_media_type', `a logo must be ${accepted}; got content-type "${declared || 'none'}"`);
  }
  if (bytes.length > LOGO_MAX_BYTES) {
    throw new ApiError('payload_too_large', `the logo is ${bytes.length} bytes; the limit is 64 KiB (${LOGO_MAX_BYTES} bytes)`);
  }
  const actual = sniffLogoType(bytes);
  if (actual !== declared) {
    throw new ApiError('invalid_image', `the body is not a ${declared.slice(6).toUpperCase()} image: ${
      actual ? `its bytes are ${actual}` : 'its first bytes match no PNG, JPEG or WebP signature'
    }; send ${accepted}`);
  }
  return { contentType: actual, bytes, etag: logoDigest(bytes), updatedAt: now };
}

/** Per-app branding over the server's defaults. Apps are resolved (and tenancy checked) by the caller. */
export class BrandingService {
  constructor(private readonly store: Store, private readonly defaults: BrandDefaults) {}

  async own(appId: string): Promise<OwnBranding> {
    const [b, logo] = await Promise.all([this.store.getAppBranding(appId), this.store.getLogoInfo(appId)]);
    return {
      productName: b?.productName ?? null,
      accent: b?.accent ?? null,
      theme: b?.theme ?? null,
      logo: logo && { contentType: logo.contentType, size: logo.size, updatedAt: logo.updatedAt },
    };
  }

  /** The server's branding, or one app's over it (`appId` null: the defaults alone). */
  async effective(appId: string | null): Promise<EffectiveBranding> {
    const [b, logo] = appId ? await Promise.all([this.store.getAppBranding(appId), this.store.getLogoInfo(appId)]) : [null, null];
    const accent = b?.accent ?? this.defaults.accent;
    return {
      productName: b?.productName ?? this.defaults.productName,
      accent,
      accentText: accent ? textOn(accent).text : null,
      accentLink: accent ? { light: readableOn(accent, LIGHT_BACKGROUND), dark: readableOn(accent, DARK_BACKGROUND) } : null,
      theme: b?.theme ?? this.defaults.theme,
      logoUrl: logoUrl(appId, logo, this.defaults.logo),
    };
  }

  /** Replaces the app's name, accent and theme (a field left out or null: the server default). */
  async put(appId: string, body: BrandingPutBody): Promise<void> {
    const productName = body.productName?.trim() || null;
    const branding: AppBranding = {
      appId, productName, accent: body.accent?.toLowerCase() ?? null, theme: body.theme ?? null, updatedAt: new Date().toISOString(),
    };
    await this.store.putAppBranding(branding);
  }

  /** Back to the server's branding: name, accent, theme and logo. */
  async clear(appId: string): Promise<void> {
    await this.store.deleteAppBranding(appId);
    await this.store.deleteLogo(appId);
  }

  async putLogo(appId: string, contentType: string | undefined, bytes: Buffer): Promise<void> {
    await this.store.putLogo(appId, checkLogo(contentType, bytes, new Date().toISOString()));
  }

  deleteLogo(appId: string): Promise<boolean> {
    return this.store.deleteLogo(appId);
  }

  /** The image the app's logo URL serves: its own; null when it has none. */
  appLogo(appId: string): Promise<BrandLogo | null> {
    return this.store.getLogo(appId);
  }

  defaultLogo(): BrandLogo | null {
    return this.defaults.logo;
  }
}

function logoUrl(appId: string | null, own: BrandLogoInfo | null, fallback: BrandLogo | null): string | null {
  if (appId && own) return `branding/${encodeURIComponent(appId)}/logo?v=${own.etag}`;
  return fallback ? `branding/logo?v=${fallback.etag}` : null;
}
