import type { PayloadFormat, Scheme } from './form-state';

// What the form needs to know of each signature scheme (src/wire/scheme-presets.ts is the source
// of truth; the API rejects anything these hints get wrong, and the error lands on the field).

export const SCHEMES: Array<{ value: Scheme; label: string; header: string | null; headerConfigurable: boolean; prefixConfigurable: boolean }> = [
  { value: 'standard-webhooks', label: 'Standard Webhooks (webhook-signature: v1,…)', header: 'webhook-signature', headerConfigurable: false, prefixConfigurable: false },
  { value: 'svix', label: 'Standard Webhooks as Svix names it (svix-signature: v1,…)', header: 'svix-signature', headerConfigurable: false, prefixConfigurable: false },
  { value: 'timestamped', label: 'Timestamped HMAC (t=…,signature=…)', header: 'officernd-signature', headerConfigurable: true, prefixConfigurable: false },
  { value: 'hmac-sha256', label: 'HMAC-SHA256 of the body (hex)', header: 'x-signature', headerConfigurable: true, prefixConfigurable: true },
  { value: 'stripe', label: 'Stripe style (t=…,v1=…)', header: 'stripe-signature', headerConfigurable: false, prefixConfigurable: false },
  { value: 'entity-path', label: 'HMAC of eventType:entityType:entityId', header: 'x-ioffice-signature', headerConfigurable: true, prefixConfigurable: false },
  { value: 'none', label: 'None (unsigned)', header: null, headerConfigurable: false, prefixConfigurable: false },
];

export const schemeInfo = (scheme: Scheme) => SCHEMES.find((s) => s.value === scheme) ?? SCHEMES[0]!;

export const PAYLOAD_FORMATS: Array<{ value: PayloadFormat; label: string }> = [
  { value: 'standard', label: 'Standard: {type, timestamp, data}' },
  { value: 'event', label: 'Event: {event, eventType, data, createdAt}' },
  { value: 'raw', label: 'Raw: the published data as is' },
  { value: 'entity-ref', label: 'Entity reference: /{eventType}/{entityType}/{entityId}' },
];
