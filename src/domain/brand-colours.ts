// Accent colour arithmetic for branding, after WCAG 2.2's definitions of relative luminance and
// contrast ratio. Pure: the API uses it to answer which text colour reads on an accent, and the
// portal to keep accent-coloured links readable on its own background.
//
// Why no accent is ever refused: for a colour of luminance L, white text gives 1.05 / (L + 0.05)
// and black text (L + 0.05) / 0.05. The better of the two is smallest where they are equal,
// (L + 0.05)² = 0.0525, and is then √21 ≈ 4.58: above AA's 4.5:1 for normal text. So every
// #rrggbb has white or black text that passes AA. Herald takes white whenever it passes (the
// usual look of a brand-coloured button), and black otherwise: then white is under 4.5:1, so
// L > 0.183 and black gives more than 4.67:1.

export const ACCENT_PATTERN = '^#[0-9a-fA-F]{6}$';
/** WCAG AA for normal-size text. */
export const AA_TEXT = 4.5;

export interface Rgb { r: number; g: number; b: number }

export function parseHex(hex: string): Rgb | null {
  if (!new RegExp(ACCENT_PATTERN).test(hex)) return null;
  const n = Number.parseInt(hex.slice(1), 16);
  return { r: (n >> 16) & 255, g: (n >> 8) & 255, b: n & 255 };
}

export function toHex({ r, g, b }: Rgb): string {
  return `#${[r, g, b].map((c) => Math.round(c).toString(16).padStart(2, '0')).join('')}`;
}

/** WCAG relative luminance, 0 (black) to 1 (white). */
export function luminance({ r, g, b }: Rgb): number {
  const lin = (c: number) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

/** Contrast ratio of two colours, 1 to 21. */
export function contrast(a: Rgb, b: Rgb): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

const WHITE: Rgb = { r: 255, g: 255, b: 255 };
const BLACK: Rgb = { r: 0, g: 0, b: 0 };

/** The text colour on `accent`: white when it reaches AA there, else black (which then does), and its contrast. */
export function textOn(accent: string): { text: '#ffffff' | '#000000'; ratio: number } {
  const rgb = parseHex(accent);
  if (!rgb) throw new Error(`not a #rrggbb colour: ${accent}`);
  const white = contrast(rgb, WHITE);
  return white >= AA_TEXT ? { text: '#ffffff', ratio: white } : { text: '#000000', ratio: contrast(rgb, BLACK) };
}

/**
 * `accent` as text on `background`: itself when it already reaches AA there, otherwise mixed
 * step by step toward black (light backgrounds) or white (dark ones) until it does, so a pale
 * yellow brand colour still gives readable links on white. Keeps the hue as far as it can.
 */
export function readableOn(accent: string, background: string): string {
  const fg = parseHex(accent);
  const bg = parseHex(background);
  if (!fg || !bg) throw new Error('readableOn takes two #rrggbb colours');
  const toward = luminance(bg) > 0.18 ? BLACK : WHITE;
  for (let step = 0; step <= 20; step++) {
    const t = step / 20;
    const mixed = { r: fg.r + (toward.r - fg.r) * t, g: fg.g + (toward.g - fg.g) * t, b: fg.b + (toward.b - fg.b) * t };
    const rounded = { r: Math.round(mixed.r), g: Math.round(mixed.g), b: Math.round(mixed.b) };
    if (contrast(rounded, bg) >= AA_TEXT) return toHex(rounded);
  }
  return toHex(toward);
}
