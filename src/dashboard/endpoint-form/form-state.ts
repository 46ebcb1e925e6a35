import { formatIsoDuration, parseDurationOption, parseIsoDuration } from '../../domain/durations.js';
import type { Endpoint, EndpointCreateInput, EndpointPatchInput } from '../api/types';

export interface Pair {
  key: string;
  value: string;
}

export type Scheme = NonNullable<EndpointCreateInput['signature']>['scheme'];
export type PayloadFormat = NonNullable<EndpointCreateInput['payloadFormat']>;

/** What the form edits: text as typed, turned into the API's body only on submit. */
export interface EndpointForm {
  url: string;
  name: string;
  description: string;
  enabled: boolean;
  everything: boolean;
  eventTypes: string[];
  entityTypes: string;
  method: 'POST' | 'GET';
  payloadFormat: PayloadFormat;
  scheme: Scheme;
  signatureHeader: string;
  signaturePrefix: string;
  /** Create: generate one or use the typed one. Edit: an empty secret keeps the current one. */
  secretMode: 'generate' | 'custom';
  secret: string;
  timeoutSeconds: string;
  headers: Pair[];
  query: Pair[];
  tlsCa: string;
  tlsCert: string;
  tlsKey: string;
  tlsPassphrase: string;
  tlsInsecure: boolean;
  /** The stored endpoint has a private key (write-only: the API never shows it). */
  tlsHasKey: boolean;
  /** TLS is sent only when touched: the stored key cannot be echoed back, and PATCH replaces tls whole. */
  tlsTouched: boolean;
  retrySchedule: string;
  rateLimit: string;
}

export const EMPTY_FORM: EndpointForm = {
  url: '', name: '', description: '', enabled: true, everything: true, eventTypes: [], entityTypes: '',
  method: 'POST', payloadFormat: 'standard', scheme: 'standard-webhooks', signatureHeader: '', signaturePrefix: '',
  secretMode: 'generate', secret: '', timeoutSeconds: '30', headers: [], query: [],
  tlsCa: '', tlsCert: '', tlsKey: '', tlsPassphrase: '', tlsInsecure: false, tlsHasKey: false, tlsTouched: false,
  retrySchedule: '', rateLimit: '',
};

const toPairs = (record: Record<string, string>): Pair[] => Object.entries(record).map(([key, value]) => ({ key, value }));
const fromPairs = (pairs: Pair[]) => Object.fromEntries(pairs.filter((p) => p.key.trim()).map((p) => [p.key.trim(), p.value]));
const list = (text: string) => text.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean);

export function formFromEndpoint(ep: Endpoint): EndpointForm {
  return {
    ...EMPTY_FORM,
    url: ep.url,
    name: ep.name ?? '',
    description: ep.description ?? '',
    enabled: !ep.disabled,
    everything: ep.eventTypes.length === 0,
    eventTypes: ep.eventTypes,
    entityTypes: ep.entityTypes.join(', '),
    method: ep.method,
    payloadFormat: ep.payloadFormat as PayloadFormat,
    scheme: ep.signature.scheme as Scheme,
    signatureHeader: ep.signature.header ?? '',
    signaturePrefix: ep.signature.prefix ?? '',
    secretMode: 'custom',
    timeoutSeconds: String((parseIsoDuration(ep.timeout) ?? 30_000) / 1000),
    headers: toPairs(ep.headers),
    query: toPairs(ep.query),
    tlsCa: ep.tls?.ca ?? '',
    tlsCert: ep.tls?.cert ?? '',
    tlsInsecure: ep.tls?.insecureSkipVerify ?? false,
    tlsHasKey: ep.tls?.hasKey ?? false,
    retrySchedule: ep.retrySchedule?.join(', ') ?? '',
    rateLimit: ep.rateLimit === null ? '' : String(ep.rateLimit),
  };
}

/** "5s, 5m, PT30M" → ["PT5S", "PT5M", "PT30M"]: the short forms people type, as the API's ISO 8601. */
export function scheduleToIso(text: string): string[] {
  return list(text).map((step) => {
    if (step.toUpperCase().startsWith('P')) return step.toUpperCase();
    const ms = parseDurationOption(step);
    return ms === null ? step : formatIsoDuration(ms);
  });
}

/**
 * The API body. Optional text left empty is omitted on create and cleared (null) on edit;
 * fields a scheme does not use are not sent, so a value typed before switching scheme is dropped.
 */
export function formToBody(form: EndpointForm, mode: 'create' | 'edit', configurable: { header: boolean; prefix: boolean }): EndpointCreateInput & EndpointPatchInput {
  const optional = (text: string) => (text.trim() ? text.trim() : mode === 'edit' ? null : undefined);
  const tls = {
    ...(form.tlsCa.trim() ? { ca: form.tlsCa } : {}),
    ...(form.tlsCert.trim() ? { cert: form.tlsCert } : {}),
    ...(form.tlsKey.trim() ? { key: form.tlsKey } : {}),
    ...(form.tlsPassphrase ? { passphrase: form.tlsPassphrase } : {}),
    ...(form.tlsInsecure ? { insecureSkipVerify: true } : {}),
  };
  const hasTls = Object.keys(tls).length > 0;
  const secret = form.secretMode === 'custom' && form.secret.trim() ? form.secret.trim() : undefined;
  return {
    url: form.url.trim(),
    name: optional(form.name),
    description: optional(form.description),
    disabled: !form.enabled,
    eventTypes: form.everything ? [] : form.eventTypes,
    entityTypes: list(form.entityTypes),
    method: form.method,
    payloadFormat: form.payloadFormat,
    signature: {
      scheme: form.scheme,
      ...(configurable.header && form.signatureHeader.trim() ? { header: form.signatureHeader.trim() } : {}),
      ...(configurable.prefix && form.signaturePrefix ? { prefix: form.signaturePrefix } : {}),
    },
    ...(secret ? { secret } : {}),
    ...(form.timeoutSeconds.trim() ? { timeout: formatIsoDuration(Number(form.timeoutSeconds) * 1000) } : {}),
    headers: fromPairs(form.headers),
    query: fromPairs(form.query),
    ...(mode === 'create' ? (hasTls ? { tls } : {}) : form.tlsTouched ? { tls: hasTls ? tls : null } : {}),
    ...(form.retrySchedule.trim() ? { retrySchedule: scheduleToIso(form.retrySchedule) } : mode === 'edit' ? { retrySchedule: null } : {}),
    ...(form.rateLimit.trim() ? { rateLimit: Number(form.rateLimit) } : mode === 'edit' ? { rateLimit: null } : {}),
  };
}
