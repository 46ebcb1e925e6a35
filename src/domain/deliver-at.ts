import type { Message } from './model.js';

/**
 * When a new message's deliveries are first due (epoch ms): at once, or at its deliverAt (Svix's
 * scheduled send) when that is later. A publish hands to the local delivery loop only deliveries
 * due now (store/hand-off.ts); later ones wait in the store for the claim, like a retry.
 */
export function firstDueAt(message: Pick<Message, 'deliverAt'>, now: number): number {
  if (!message.deliverAt) return now;
  return Math.max(now, Date.parse(message.deliverAt));
}
