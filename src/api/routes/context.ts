import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AppService } from '../../services/app-service.js';
import type { EndpointService } from '../../services/endpoint-service.js';
import type { MessageService } from '../../services/message-service.js';
import type { RecoveryService } from '../../services/recovery-service.js';
import type { Store } from '../../store/store.js';

/** What route modules may use: services for rules, the store for plain reads. */
export interface ApiContext {
  store: Store;
  apps: AppService;
  endpoints: EndpointService;
  messages: MessageService;
  /** Bulk recovery tasks. */
  recovery: RecoveryService;
}

export type Api = FastifyInstance<any, any, any, any, TypeBoxTypeProvider>;

export const page = (q: { limit?: number; iterator?: string }) => ({ limit: q.limit ?? 50, iterator: q.iterator });
