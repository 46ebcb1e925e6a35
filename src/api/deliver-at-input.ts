import { ApiError } from '../errors/api-errors.js';

/** Svix schedules at most a day ahead; Herald's own publish takes the same bound. */
const MAX_DELIVER_AHEAD_MS = 24 * 3_600_000;

/**
 * A publish's `deliverAt` as stored (ISO, UTC): at most a day ahead (else 422); a time already past
 * sends at once. Svix asks for one minute ahead at least; Herald takes any time (docs/svix-messages.md).
 */
export function deliverAtOf(text: string): string {
  const at = Date.parse(text);
  if (at > Date.now() + MAX_DELIVER_AHEAD_MS) {
    throw new ApiError('validation_error', `deliverAt ${text} is more than 24 hours ahead: a message can be scheduled at most a day in advance`);
  }
  return new Date(at).toISOString();
}
