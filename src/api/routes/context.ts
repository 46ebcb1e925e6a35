import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AppService } from '../../services/app-service.js';
import type { EndpointService } from '../../services/endpoint-service.js';
import type { EventCatalogue } from '../../services/event-catalogue.js';
import type { MessageService } from '../../services/message-service.js';
import type { RecoveryService } from '../../services/recovery-service.js';
import type { PageRequest, Store } from '../../store/store.js';
import { isId, type IdPrefix } from '../../domain/ids.js';
import { ApiError } from '../../errors/api-errors.js';
import { EVENT_TYPE_PATTERN } from '../../schemas/bodies.js';

/** What route modules may use: services for rules, the store for plain reads. */
export interface ApiContext {
  store: Store;
  apps: AppService;
  endpoints: EndpointService;
  messages: MessageService;
  /** The event catalogue: event types, their schemas and examples. */
  eventTypes: EventCatalogue;
  /** Bulk recovery tasks. */
  recovery: RecoveryService;
}

export type Api = FastifyInstance<any, any, any, any, TypeBoxTypeProvider>;

/** What a list's cursor is: the last id of the page before (ids sort by creation), or an event type's name. */
export type CursorKind = IdPrefix | 'event-type';

/**
 * The page a list route asks the store for. The cursor is checked here, at the door: the stores
 * compare it as text (`id < cursor`), so anything else would give a silently wrong page (or a 500
 * where PostgreSQL refuses the text, e.g. a NUL byte) rather than an error the client can act on.
 */
export function page(q: { limit?: number; iterator?: string }, kind: CursorKind): PageRequest {
  const { iterator } = q;
  if (iterator !== undefined && !(kind === 'event-type' ? EVENT_TYPE.test(iterator) : isId(iterator, kind))) {
    const expected = kind === 'event-type' ? 'an event type name' : `an id starting with "${kind}_"`;
    throw new ApiError(
      'validation_error',
      `iterator ${JSON.stringify(iterator)} is not a cursor of this list (${expected}): pass the \`iterator\` of the previous page as it was returned, or leave it out for the first page`,
    );
  }
  return { limit: q.limit ?? 50, iterator };
}

const EVENT_TYPE = new RegExp(EVENT_TYPE_PATTERN);
