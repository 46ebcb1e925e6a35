import { MAX_RECORDED_BODY, type Attempt } from '../domain/model.js';
import { renderBody } from '../wire/payload.js';
import { MESSAGE_COLUMNS, messageFromValues } from './rows.js';
import type { SqlRunner } from './sql-runner.js';

// An attempt whose request body was the message rendered in its endpoint's payload format (no
// transformation) is stored without that body (migration 23): it is the message already, and was
// most of each attempt row and of the WAL written per delivery. The row keeps the format it was
// rendered in (request_body_from), so a later change of the endpoint's format does not change what
// the attempt shows; method, URL and headers are stored as sent. Reads rebuild the body here, with
// the same renderer and cut at the same length as the delivery thread, so it reads byte for byte
// as before. A message whose payload was purged has no body to rebuild: the attempt's body reads
// null, as the purger makes it (it clears both together, retention-queries.ts).

/** Fills in the bodies of attempts stored without theirs: one query for all their messages. */
export async function withRebuiltRequestBodies(sql: SqlRunner, attempts: Attempt[]): Promise<Attempt[]> {
  const msgIds = [...new Set(attempts.filter((a) => a.request.bodyFrom !== undefined).map((a) => a.msgId))];
  if (msgIds.length === 0) return attempts;
  const placeholders = msgIds.map((_, i) => `$${i + 1}`).join(', ');
  // Only the start of the data: a body is cut at MAX_RECORDED_BODY and the data comes before any
  // suffix a format adds, so these characters (each one or two UTF-16 units) are all the cut body
  // can hold; a page of attempts of large messages then reads no more than their stored bodies did.
  const columns = MESSAGE_COLUMNS.map((c) => (c === 'data' ? `substr(data, 1, ${MAX_RECORDED_BODY}) AS data` : c));
  const rows = await sql.rows(`SELECT ${columns.join(', ')}, purged_at FROM messages WHERE id IN (${placeholders})`, msgIds);
  const messages = new Map(rows.filter((r) => r.purged_at == null).map((r) => [r.id as string, messageFromValues(MESSAGE_COLUMNS.map((c) => r[c]))]));
  return attempts.map((a) => {
    const { bodyFrom, method, url, headers } = a.request;
    if (bodyFrom === undefined) return a;
    const message = messages.get(a.msgId);
    let body: string | null = null;
    try {
      body = message ? (renderBody(message, bodyFrom, 'POST') ?? null) : null;
    } catch {
      // It rendered when it was sent, from the same stored message: not expected, but a read never fails on it.
    }
    // Key order as the delivery thread recorded it, so the attempt's JSON is unchanged.
    return { ...a, request: { method, url, headers, body: body === null ? null : body.slice(0, MAX_RECORDED_BODY) } };
  });
}
