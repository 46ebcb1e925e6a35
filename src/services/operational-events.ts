import type { Logger } from 'pino';
import { newId } from '../domain/ids.js';
import type { Message } from '../domain/model.js';
import { messageOrderingKey } from '../domain/ordering.js';
import type { Store } from '../store/store.js';

// Operational events: what an operator wants to hear about (an endpoint disabled, a message given
// up on), published as ordinary messages into the operator's own app (--operator-app) and so
// delivered to its endpoints as signed, retried webhooks like any other. Payloads follow Svix's.

export type OperationalEventType =
  | 'endpoint.disabled'
  | 'endpoint.enabled'
  | 'message.attempt.exhausted'
  | 'message.attempt.failing'
  | 'message.attempt.recovered';

export const OPERATIONAL_EVENT_TYPES: readonly OperationalEventType[] = [
  'endpoint.disabled', 'endpoint.enabled', 'message.attempt.exhausted', 'message.attempt.failing', 'message.attempt.recovered',
];

export interface OperationalEventData {
  /** The app and endpoint the event is about (never the operator app's own). */
  appId: string;
  endpointId: string;
  msgId?: string;
  /** The attempt number, for message.attempt.* events. */
  attempt?: number;
  /** HTTP status of the last attempt; null when no response came. */
  lastResponseStatus?: number | null;
  /** ISO time the endpoint's failure streak started. */
  failingSince?: string;
  reason: string;
}

export interface OperationalEvent {
  type: OperationalEventType;
  data: OperationalEventData;
}

export class OperationalEvents {
  private operatorAppId: string | null = null;
  private warnedMissing = false;

  /** `operatorApp`: id or uid of the app that receives the events; null sends none. */
  constructor(
    private readonly store: Store,
    private readonly operatorApp: string | null,
    private readonly newWork: () => void,
    private readonly logger: Logger,
  ) {}

  get enabled(): boolean {
    return this.operatorApp !== null;
  }

  /**
   * Publishes the events into the operator app. Never throws: an event that cannot be published is
   * logged, and whatever reported it (the dispatcher, an API request) carries on.
   */
  async publish(events: OperationalEvent[]): Promise<void> {
    if (events.length === 0 || !this.operatorApp) return;
    try {
      const appId = await this.resolveOperatorApp();
      if (!appId) return;
      // Events about the operator app's own endpoints would be delivered by those same endpoints:
      // a failing operator endpoint would report its failures to itself, without end.
      const wanted = events.filter((e) => e.data.appId !== appId);
      if (wanted.length === 0) return;
      const now = Date.now();
      const results = await this.store.publishMany(wanted.map((e) => ({ message: toMessage(appId, e, now), idempotencySince: now, now })));
      if (results.some((r) => r.deliveryCount > 0)) this.newWork();
    } catch (err) {
      this.logger.error({ err, events: events.map((e) => e.type) }, 'could not publish operational events');
    }
  }

  /** The operator app's id; looked up until found, so it may be created after Herald started. */
  private async resolveOperatorApp(): Promise<string | null> {
    if (this.operatorAppId) return this.operatorAppId;
    const app = await this.store.getApp(this.operatorApp!);
    if (app) {
      this.operatorAppId = app.id;
    } else if (!this.warnedMissing) {
      this.warnedMissing = true;
      this.logger.warn({ operatorApp: this.operatorApp }, 'operator app not found: operational events are dropped until it exists');
    }
    return this.operatorAppId;
  }
}

/** Events are about an endpoint: the entity lets the operator order them per endpoint or list them by endpoint. */
function toMessage(appId: string, event: OperationalEvent, now: number): Message {
  const entity = { type: 'endpoint', id: event.data.endpointId };
  return {
    id: newId('msg'),
    appId,
    eventType: event.type,
    dataJson: JSON.stringify(event.data),
    entity,
    idempotencyKey: null,
    createdAt: new Date(now).toISOString(),
    requestId: null,
    orderingKey: messageOrderingKey(null, entity),
  };
}
