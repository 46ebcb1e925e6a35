import { encodeTime, ulid } from 'ulid';
import type { IdPrefix } from './ids.js';

// Ids are `<prefix>_<ULID>` and a ULID starts with its creation time, so ids compare in time
// order: "older than T" is the id range below idFloorAt(prefix, T), a primary-key range scan.

/** The smallest id of this prefix created at `ms`: every id created earlier sorts below it. */
export function idFloorAt(prefix: IdPrefix, ms: number): string {
  return `${prefix}_${encodeTime(ms, 10)}${'0'.repeat(16)}`;
}

/** A fresh id as if created at `ms` (tests and imports of old data). */
export function idAt(prefix: IdPrefix, ms: number): string {
  return `${prefix}_${ulid(ms)}`;
}
