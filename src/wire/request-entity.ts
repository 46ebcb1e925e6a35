import type { EntityFields } from './entity.js';
import { WebhookVerificationError } from './errors.js';

function fromPath(url: string): EntityFields | null {
  const path = url.split(/[?#]/, 1)[0]!.replace(/^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/]*/, '');
  const segments = path.split('/').slice(-3);
  if (segments.length < 3 || segments.some((s) => s === '')) return null;
  try {
    const [eventType, entityType, entityId] = segments.map((s) => decodeURIComponent(s)) as [string, string, string];
    return { eventType, entityType, entityId };
  } catch {
    throw new WebhookVerificationError('malformed percent-encoding in request path');
  }
}

function fromBody(body: string | Buffer): EntityFields | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString());
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null) return null;
  const { eventType, entityType, entityId } = parsed as Record<string, unknown>;
  if (typeof eventType !== 'string' || typeof entityType !== 'string') return null;
  if (typeof entityId !== 'string' && typeof entityId !== 'number') return null;
  return { eventType, entityType, entityId: String(entityId) };
}

function same(a: EntityFields, b: EntityFields): boolean {
  return a.eventType === b.eventType && a.entityType === b.entityType && a.entityId === b.entityId;
}

/**
 * What `entity-path` signed, read back from a received request: the last three path segments
 * (GET) or the JSON body (POST). Herald puts the entity in both places for POST; when both are
 * available they must agree, or a receiver acting on the unverified one could be fooled.
 */
export function entityFromRequest(req: {
  method?: string;
  url?: string;
  body: string | Buffer | undefined;
}): EntityFields {
  const path = req.url === undefined ? null : fromPath(req.url);
  const hasBody = req.body !== undefined && req.body.length > 0 && req.method?.toUpperCase() !== 'GET';
  const body = hasBody ? fromBody(req.body!) : null;
  if (path && body && !same(path, body)) {
    throw new WebhookVerificationError('entity in request path does not match request body');
  }
  const fields = body ?? path;
  if (!fields) {
    throw new WebhookVerificationError('no eventType/entityType/entityId in request path or body');
  }
  return fields;
}
