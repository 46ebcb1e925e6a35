import { ApiError } from '../errors/api-errors.js';
import type { Endpoint, EndpointSecret } from '../domain/model.js';
import type { Store } from '../store/store.js';
import { generateSecret, SCHEME_PRESETS, validateSecret } from '../wire/index.js';

export const DEFAULT_GRACE_SECONDS = 24 * 60 * 60;
export const MAX_GRACE_SECONDS = 7 * 24 * 60 * 60;
/** Old secrets still signing beside the current one; bounds the signature header's size. */
const MAX_OLD_SECRETS = 4;

export interface RotateSecretInput {
  /** The new secret; generated for the endpoint's scheme when omitted. */
  secret?: string;
  /** How long the replaced secret(s) keep signing; 0 stops them at once. */
  graceSeconds?: number;
}

export interface RotationResult {
  endpoint: Endpoint;
  /** When the last old signature stops being sent; null when none is sent after the rotation. */
  oldSecretsExpireAt: string | null;
}

/**
 * Replaces an endpoint's signing secret. Receivers of multi-signature schemes (Standard Webhooks)
 * get one signature per active secret during the grace period, so they can switch secrets without
 * rejecting a single request. Single-signature schemes (the vendor presets) cannot carry two, so
 * their old secret is dropped at once: those receivers accept either secret on their side meanwhile.
 */
export async function rotateEndpointSecret(store: Store, endpoint: Endpoint, input: RotateSecretInput, now = Date.now()): Promise<RotationResult> {
  const secrets = rotatedSecrets(endpoint, input, now);
  const updated = await store.updateEndpoint({ ...endpoint, secrets, updatedAt: new Date(now).toISOString() });
  const last = secrets.slice(1).map((s) => s.expiresAt!).sort().at(-1) ?? null;
  return { endpoint: updated, oldSecretsExpireAt: last };
}

/** The endpoint's new secret list: the new secret first, then old ones still inside the grace period. */
export function rotatedSecrets(endpoint: Endpoint, input: RotateSecretInput, now: number): EndpointSecret[] {
  const { scheme } = endpoint.signature;
  const secret = input.secret ?? generateSecret(scheme);
  const invalid = validateSecret(scheme, secret);
  if (invalid) throw new ApiError('invalid_secret', invalid);
  const current = endpoint.secrets[0]?.secret;
  if (secret === current) throw new ApiError('validation_error', 'the new secret is the current one: send a different secret, or none to have one generated');

  const graceSeconds = input.graceSeconds ?? DEFAULT_GRACE_SECONDS;
  if (!Number.isInteger(graceSeconds) || graceSeconds < 0 || graceSeconds > MAX_GRACE_SECONDS) {
    throw new ApiError('validation_error', `graceSeconds must be a whole number from 0 to ${MAX_GRACE_SECONDS}`);
  }
  const multiSignature = SCHEME_PRESETS[scheme].multiValueSeparator !== null;
  if (!multiSignature || graceSeconds === 0) return [{ secret, expiresAt: null }];

  // After `graceSeconds` only the new secret signs: a shorter grace also cuts short earlier rotations'.
  const graceEnd = now + graceSeconds * 1000;
  const old = endpoint.secrets
    .map((s) => ({ secret: s.secret, expiresAt: Math.min(s.expiresAt === null ? graceEnd : Date.parse(s.expiresAt), graceEnd) }))
    .filter((s) => s.expiresAt > now && s.secret !== secret)
    .slice(0, MAX_OLD_SECRETS)
    .map((s) => ({ secret: s.secret, expiresAt: new Date(s.expiresAt).toISOString() }));
  return [{ secret, expiresAt: null }, ...old];
}
