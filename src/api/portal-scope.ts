import type { FastifyRequest } from 'fastify';
import { ApiError, notFound } from '../errors/api-errors.js';
import { CAPABILITIES, isCapability, type Capability } from './route-access.js';

// A portal link's scope (POST …/portal-link `capabilities` and `eventTypes`): read from the
// caller's principal, so admin and app tokens are never limited by it.

/** The capabilities asked for a new link, checked: an unknown one answers 400 naming it. Default: all. */
export function requestedCapabilities(asked: string[] | undefined): Capability[] {
  if (asked === undefined) return [...CAPABILITIES];
  const unknown = asked.filter((c) => !isCapability(c));
  if (unknown.length > 0) {
    throw new ApiError(
      'validation_error',
      `unknown capability ${unknown.map((c) => `"${c}"`).join(', ')}; capabilities are ${CAPABILITIES.join(', ')}`,
    );
  }
  return [...new Set(asked)] as Capability[];
}

/** The event types the caller may subscribe to and see; null when it is not limited. */
export function allowedEventTypes(req: FastifyRequest): readonly string[] | null {
  return req.principal?.kind === 'portal' ? req.principal.scope.eventTypes : null;
}

/** Whether the caller may see messages of this type (a limited link sees only its types). */
export function maySeeEventType(req: FastifyRequest, eventType: string): boolean {
  const allowed = allowedEventTypes(req);
  return allowed === null || allowed.includes(eventType);
}

/**
 * The `eventTypes` an endpoint may be created or edited with through this caller. A limited link
 * may pick among its types only (403 naming the others); asking for every type (null or empty)
 * subscribes to exactly the link's types, never to types the product did not offer.
 */
export function subscribableEventTypes(req: FastifyRequest, asked: string[] | null | undefined): string[] | null | undefined {
  const allowed = allowedEventTypes(req);
  if (allowed === null || asked === undefined) return asked;
  if (asked === null || asked.length === 0) return [...allowed];
  const outside = asked.filter((t) => !allowed.includes(t));
  if (outside.length > 0) {
    throw new ApiError(
      'forbidden',
      `this portal link may subscribe only to ${allowed.map((t) => `"${t}"`).join(', ')}; not to ${outside.map((t) => `"${t}"`).join(', ')}`,
    );
  }
  return asked;
}

/** The message, or the same 404 as for a missing one when the caller's link may not see its type. */
export function visibleMessage<M extends { id: string; eventType: string }>(req: FastifyRequest, message: M): M {
  if (!maySeeEventType(req, message.eventType)) throw notFound('message', message.id);
  return message;
}

/**
 * The type of a test event: the one asked for, else the message service's default. A limited
 * link may send only its own types (403 naming the type); by default, its endpoint's first
 * allowed type.
 */
export function testEventType(req: FastifyRequest, asked: string | undefined, endpoint: { eventTypes: string[] | null }): string | undefined {
  const allowed = allowedEventTypes(req);
  if (allowed === null) return asked;
  if (asked !== undefined) {
    if (!allowed.includes(asked)) throw new ApiError('forbidden', `this portal link may send test events only of ${allowed.map((t) => `"${t}"`).join(', ')}, not "${asked}"`);
    return asked;
  }
  return endpoint.eventTypes?.find((t) => allowed.includes(t)) ?? allowed[0];
}
