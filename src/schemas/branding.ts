import { Type, type Static } from 'typebox';

// The body of PUT /api/v1/apps/{appId}/branding. Each field null (or left out) means "use the
// server's default" (--product-name, --brand-accent, --brand-theme). Kept beside bodies.ts, in a
// file of its own, because branding has its own docs (docs/branding.md).

export const PRODUCT_NAME_MAX = 80;
/** The same pattern as domain/brand-colours.ts's ACCENT_PATTERN (schemas sit below domain). */
const ACCENT_PATTERN = '^#[0-9a-fA-F]{6}$';

export const BrandingPut = Type.Object(
  {
    productName: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: PRODUCT_NAME_MAX }), Type.Null()], {
      description: 'your product as the customer knows it, shown in the portal header; null: the server default',
    })),
    accent: Type.Optional(Type.Union([Type.String({ pattern: ACCENT_PATTERN, description: '#rrggbb, e.g. #2457c5' }), Type.Null()], {
      description: 'buttons and links; the text on it is white, or black where white would not reach WCAG AA (one always does)',
    })),
    theme: Type.Optional(Type.Union([Type.Literal('light'), Type.Literal('dark'), Type.Literal('auto'), Type.Null()], {
      description: 'auto follows the browser (prefers-color-scheme)',
    })),
  },
  { additionalProperties: false },
);

export type BrandingPutBody = Static<typeof BrandingPut>;
