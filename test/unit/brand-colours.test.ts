import { describe, expect, it } from 'vitest';
import { readableOn, textOn } from '../../src/domain/brand-colours.js';

// The claim docs/branding.md makes: every #rrggbb accent has a text colour that passes WCAG AA on
// it, and links drawn in any accent can be made to pass on the portal's backgrounds. Checked over
// a grid of 4,913 colours with WCAG's contrast written out here, not taken from the code under test.

function contrast(a: string, b: string): number {
  const lum = (hex: string) => {
    const [r, g, bl] = [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
  };
  const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
  return (x! + 0.05) / (y! + 0.05);
}

const hex = (n: number) => n.toString(16).padStart(2, '0');
const GRID: string[] = [];
for (let r = 0; r <= 255; r += 15) for (let g = 0; g <= 255; g += 15) for (let b = 0; b <= 255; b += 15) GRID.push(`#${hex(r)}${hex(g)}${hex(b)}`);

describe('accent colours', () => {
  it('always get white or black text that reaches 4.5:1, white whenever white does', () => {
    const failing = GRID.filter((accent) => contrast(accent, textOn(accent).text) < 4.5);
    expect(failing).toEqual([]);
    const blackThoughWhitePasses = GRID.filter((accent) => textOn(accent).text === '#000000' && contrast(accent, '#ffffff') >= 4.5);
    expect(blackThoughWhitePasses).toEqual([]);
  });

  it('are made readable as link text on the light and dark page backgrounds, unchanged when they already are', () => {
    for (const background of ['#f6f7f9', '#1b2129']) {
      expect(GRID.filter((accent) => contrast(readableOn(accent, background), background) < 4.5)).toEqual([]);
    }
    expect(readableOn('#2457c5', '#f6f7f9')).toBe('#2457c5');
    expect(readableOn('#ffd700', '#f6f7f9')).not.toBe('#ffd700');
  });

  it('worst case: the better of white and black is still about 4.58:1', () => {
    const worst = Math.min(...GRID.map((accent) => Math.max(contrast(accent, '#ffffff'), contrast(accent, '#000000'))));
    expect(worst).toBeGreaterThanOrEqual(4.5);
    expect(worst).toBeLessThan(4.7);
  });
});
