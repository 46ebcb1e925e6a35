import { formatIsoDuration, parseDurationOption, parseIsoDuration } from '../../domain/durations.js';
import type { Endpoint, EndpointCreateInput, EndpointPatchInput } from '../api/types';

export interface Pair {
  key: string;
  value: string;
}

export type Scheme = NonNullable<EndpointCreateInput['signature']>['scheme'];
export type PayloadFormat = NonNullable<EndpointCreateInput['payloadFormat']>;
export type Ordering = NonNullable<EndpointCreateInput['ordering']>;

/** What the form edits: text as typed, turned into the API's body only on submit. */
export interface EndpointForm {
  url: string;
  name: string;
  description: string;
  enabled: boolean;
  everything: boolean;
  eventTypes: string[];
  entityTypes: string;
  /** Channels as typed, comma-separated; empty: every message. */
  channels: string;
  method: 'POST' | 'GET';
  payloadFormat: PayloadFormat;
  scheme: Scheme;
  signatureHeader: string;
  signaturePrefix: string;
  /** Create: generate one or use the typed one. Edit: an empty secret keeps the current one. */
  secretMode: 'generate' | 'custom';
  secret: string;
  /** As typed: seconds ("30"), a short form ("30s", "2m") or ISO 8601 ("PT30S"). */
  timeout: string;
  headers: Pair[];
  query: Pair[];
  tlsCa: string;
  tlsCert: string;
  tlsKey: string;
  tlsPassphrase: string;
  tlsInsecure: boolean;
  /** A PKCS#12 client identity / trust store picked as a file: its base64 (sent) and file name (shown). */
  tlsPkcs12: string;
  tlsPkcs12Name: string;
  tlsCaPkcs12: string;
  tlsCaPkcs12Name: string;
  tlsCaPassphrase: string;
  /** The stored endpoint has a private key (write-only: the API never shows it). */
  tlsHasKey: boolean;
  /** TLS is sent only when touched: the stored key cannot be echoed back, and PATCH replaces tls whole. */
  tlsTouched: boolean;
  retrySchedule: string;
  rateLimit: string;
  ordering: Ordering;
  /** Send the publisher's W3C trace context (traceparent, tracestate) with each attempt. */
  forwardTraceContext: boolean;
  /** The payload filter (CEL) as typed; empty: none. */
  filter: string;
  /** The transformation's JavaScript as typed; empty: none. */
  transformation: string;
}

export const EMPTY_FORM: EndpointForm = {
  url: '', name: '', description: '', enabled: true, everything: true, eventTypes: [], entityTypes: '', channels: '',
  method: 'POST', payloadFormat: 'standard', scheme: 'standard-webhooks', signatureHeader: '', signaturePrefix: '',
  secretMode: 'generate', secret: '', timeout: '30s', headers: [], query: [],
  tlsCa: '', tlsCert: '', tlsKey: '', tlsPassphrase: '', tlsInsecure: false, tlsHasKey: false, tlsTouched: false,
  tlsPkcs12: '', tlsPkcs12Name: '', tlsCaPkcs12: '', tlsCaPkcs12Name: '', tlsCaPassphrase: '',
  retrySchedule: '', rateLimit: '', ordering: 'unordered', forwardTraceContext: true, filter: '',
  transformation: '',
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
    channels: ep.channels.join(', '),
    method: ep.method,
    payloadFormat: ep.payloadFormat as PayloadFormat,
    scheme: ep.signature.scheme as Scheme,
    signatureHeader: ep.signature.header ?? '',
    signaturePrefix: ep.signature.prefix ?? '',
    secretMode: 'custom',
    timeout: shortDuration(ep.timeout),
    headers: toPairs(ep.headers),
    query: toPairs(ep.query),
    tlsCa: ep.tls?.ca ?? '',
    tlsCert: ep.tls?.cert ?? '',
    tlsInsecure: ep.tls?.insecureSkipVerify ?? false,
    tlsHasKey: ep.tls?.hasKey ?? false,
    retrySchedule: ep.retrySchedule?.join(', ') ?? '',
    rateLimit: ep.rateLimit === null ? '' : String(ep.rateLimit),
    ordering: ep.ordering === 'entity' ? 'entity' : 'unordered',
    forwardTraceContext: ep.forwardTraceContext !== false,
    filter: ep.filter ?? '',
    transformation: ep.transformation ?? '',
  };
}

/** "PT30S" → "30s": shown as people type it; anything odd is shown as stored. */
function shortDuration(iso: string): string {
  const ms = parseIsoDuration(iso);
  if (ms === null) return iso;
  return ms % 60_000 === 0 ? `${ms / 60_000}m` : `${ms / 1000}s`;
}

/** "30" (seconds), "30s", "2m" → "PT30S", "PT2M"; ISO text and anything unreadable go as typed, for the API to judge. */
export function timeoutToIso(text: string): string {
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return formatIsoDuration(Number(t) * 1000);
  if (t.toUpperCase().startsWith('P')) return t.toUpperCase();
  const ms = parseDurationOption(t);
  return ms === null ? t : formatIsoDuration(ms);
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
    // A PKCS#12 file holds the certificate and key: the PEM ones (the stored certificate, on edit) give way to it.
    ...(form.tlsCert.trim() && !form.tlsPkcs12 ? { cert: form.tlsCert } : {}),
    ...(form.tlsKey.trim() && !form.tlsPkcs12 ? { key: form.tlsKey } : {}),
    ...(form.tlsPassphrase ? { passphrase: form.tlsPassphrase } : {}),
    ...(form.tlsInsecure ? { insecureSkipVerify: true } : {}),
    ...(form.tlsPkcs12 ? { pkcs12: form.tlsPkcs12 } : {}),
    ...(form.tlsCaPkcs12 ? { caPkcs12: form.tlsCaPkcs12 } : {}),
    ...(form.tlsCaPkcs12 && form.tlsCaPassphrase ? { caPassphrase: form.tlsCaPassphrase } : {}),
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
    channels: list(form.channels),
    method: form.method,
    payloadFormat: form.payloadFormat,
    signature: {
      scheme: form.scheme,
      ...(configurable.header && form.signatureHeader.trim() ? { header: form.signatureHeader.trim() } : {}),
      ...(configurable.prefix && form.signaturePrefix ? { prefix: form.signaturePrefix } : {}),
    },
    ...(secret ? { secret } : {}),
    ...(form.timeout.trim() ? { timeout: timeoutToIso(form.timeout) } : {}),
    ordering: form.ordering,
    forwardTraceContext: form.forwardTraceContext,
    filter: optional(form.filter),
    // Not trimmed: the server's line numbers must match the editor's.
    transformation: form.transformation.trim() ? form.transformation : mode === 'edit' ? null : undefined,
    headers: fromPairs(form.headers),
    query: fromPairs(form.query),
    ...(mode === 'create' ? (hasTls ? { tls } : {}) : form.tlsTouched ? { tls: hasTls ? tls : null } : {}),
    ...(form.retrySchedule.trim() ? { retrySchedule: scheduleToIso(form.retrySchedule) } : mode === 'edit' ? { retrySchedule: null } : {}),
    ...(form.rateLimit.trim() ? { rateLimit: Number(form.rateLimit) } : mode === 'edit' ? { rateLimit: null } : {}),
  };
}
