import { newId } from '../domain/ids.js';
import type { AuditEntry } from '../domain/operators.js';
import { deliveryOrderingKey, messageOrderingKey } from '../domain/ordering.js';
import type { Endpoint, Message, MessageEntity } from '../domain/model.js';
import { ApiError, notFound } from '../errors/api-errors.js';
import type { MessageCreateBody } from '../schemas/bodies.js';
import { MessagePurgedError } from '../store/errors.js';
import type { PublishInput, PublishResult, Store } from '../store/store.js';
import type { PublishValidator } from './event-catalogue-validator.js';
import { PublishQueue, publishHandingOff, type PublishedWork } from './publish-queue.js';
import type { TraceContext } from '../domain/trace-context.js';
import { NO_TRACING, type Tracing } from '../observability/tracing.js';

/** Idempotency keys are remembered for 24 hours (the wire format reference in docs/, "The message a product publishes"). */
export const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;

export interface WorkNotifier extends PublishedWork {
  /** Deliveries were just committed: the local dispatcher (if any) should look now. */
  newWork(): void;
  /** Messages newly accepted (not idempotent repeats), for metrics. */
  accepted?(count: number): void;
  /** Endpoints' payload filters that failed on published messages (each counted as no match), for metrics. */
  filterErrors?(count: number): void;
}

/** A Svix message's tags and scheduled send (ISO), beside Herald's publish body (svix-messages.ts). */
export interface SvixMessageFields {
  tags?: string[];
  deliverAt?: string;
}

export class MessageService {
  private readonly queue: PublishQueue;

  /**
   * `validator`: refuses data that fails a `validation: "reject"` event type's schema (docs/event-catalogue.md);
   * `examples`: the data a test event of a type sends (its first example).
   */
  constructor(
    private readonly store: Store,
    private readonly notifier: WorkNotifier,
    private readonly validator: PublishValidator | null = null,
    private readonly examples: { exampleOf(eventType: string): Promise<unknown> } | null = null,
    private readonly tracing: Tracing = NO_TRACING,
  ) {
    this.queue = new PublishQueue(store, undefined, notifier);
  }

  /**
   * `dataJson`: the text of `body.data` exactly as published (not a re-serialisation), stored and
   * sent as is. `requestId`: the API request publishing it, recorded with the message and on its attempts.
   * `trace`: the W3C trace context the request carried (docs/tracing.md), stored with the message.
   */
  async publish(appId: string, body: MessageCreateBody, dataJson: string, idempotencyHeader?: string, requestId?: string, trace: TraceContext | null = null): Promise<PublishResult> {
    const result = await this.tracing.publish({ appId, eventType: body.eventType, count: 1 }, trace, async (stored) => {
      const checking = this.validator?.refuseMismatches([body], false);
      if (checking) await checking;
      return this.queue.submit(this.toInput(appId, body, dataJson, idempotencyHeader ?? null, requestId, stored));
    });
    if (result.created) this.notifier.accepted?.(1);
    if (result.filterErrors) this.notifier.filterErrors?.(result.filterErrors);
    // The queue handed the deliveries to the local loop, or woke it for those it could not.
    return result;
  }

  /** Up to 1,000 messages in one request and one transaction, each with the semantics of publish; `dataJsons[i]` is `bodies[i].data`'s text. */
  async publishBatch(appId: string, bodies: MessageCreateBody[], dataJsons: string[], requestId?: string, trace: TraceContext | null = null): Promise<PublishResult[]> {
    const results = await this.tracing.publish({ appId, count: bodies.length }, trace, async (stored) => {
      // One transaction, so one answer: a failing message refuses the whole batch, listing each.
      const checking = this.validator?.refuseMismatches(bodies, true);
      if (checking) await checking;
      return publishHandingOff(this.store, bodies.map((b, i) => this.toInput(appId, b, dataJsons[i]!, null, requestId, stored)), this.notifier);
    });
    this.notifier.accepted?.(results.filter((r) => r.created).length);
    const filterErrors = results.reduce((sum, r) => sum + (r.filterErrors ?? 0), 0);
    if (filterErrors > 0) this.notifier.filterErrors?.(filterErrors);
    return results;
  }

  private toInput(appId: string, body: MessageCreateBody, dataJson: string, idempotencyHeader: string | null, requestId?: string, trace: TraceContext | null = null): PublishInput {
    const now = Date.now();
    const entity = (body.entity as MessageEntity | null | undefined) ?? null;
    const message: Message = {
      id: newId('msg'),
      appId,
      eventType: body.eventType,
      // Every delivery signs and sends these exact bytes: those of the publish request.
      dataJson,
      entity,
      idempotencyKey: body.idempotencyKey ?? idempotencyHeader,
      createdAt: new Date(now).toISOString(),
      requestId: requestId ?? null,
      orderingKey: messageOrderingKey(body.orderingKey, entity),
    };
    if (trace) {
      message.traceparent = trace.traceparent;
      message.tracestate = trace.tracestate;
    }
    // Stored with the message, so retries, resends and recovers send the same values.
    if (body.eventId !== undefined) message.eventId = body.eventId;
    if (body.timestamp !== undefined) message.eventTime = body.timestamp;
    if (body.channels?.length) message.channels = body.channels;
    if (body.retentionHours !== undefined) message.payloadExpiresAt = new Date(now + body.retentionHours * 3_600_000).toISOString();
    // Herald's own body and Svix's (svix-messages.ts) both carry them; deliverAt already checked and in ISO form.
    const svix = body as MessageCreateBody & SvixMessageFields;
    if (svix.tags?.length) message.tags = svix.tags;
    if (svix.deliverAt) message.deliverAt = svix.deliverAt;
    return { message, idempotencySince: now - IDEMPOTENCY_WINDOW_MS, now };
  }

  /** Writes a publish call's audit entry with the next group of publishes (publish-queue.ts). */
  submitAudit(entry: AuditEntry): Promise<void> {
    return this.queue.submitAudit(entry);
  }

  /**
   * A test message delivered to this one endpoint only, whatever its filters say. `data`: what it
   * carries (Svix's send-example picks one of the type's examples); absent: the type's first example.
   */
  async sendTest(endpoint: Endpoint, eventType?: string, data?: unknown): Promise<PublishResult> {
    const type = eventType ?? endpoint.eventTypes?.[0] ?? 'herald.test';
    // A type with an example in the catalogue sends it, so the receiver sees what real events hold.
    const example = data !== undefined ? data : await this.examples?.exampleOf(type);
    const now = Date.now();
    const message: Message = {
      id: newId('msg'),
      appId: endpoint.appId,
      eventType: type,
      dataJson: JSON.stringify(example ?? { test: true, message: 'This is a test event sent from Herald.', endpointId: endpoint.id }),
      // entity-ref endpoints only take messages about an entity, so a test names one.
      entity: { type: 'HeraldTest', id: 1 },
      idempotencyKey: null,
      createdAt: new Date(now).toISOString(),
    };
    const result = await this.store.publish({ message, idempotencySince: now, onlyEndpointId: endpoint.id, now });
    this.notifier.newWork();
    return result;
  }

  async get(appId: string, msgId: string): Promise<Message> {
    const message = await this.store.getMessage(appId, msgId);
    if (!message) throw notFound('message', msgId);
    return message;
  }

  /** A new delivery of the same message (same id, so receivers can still deduplicate). */
  async resend(appId: string, msgId: string, endpoint: Endpoint) {
    const message = await this.get(appId, msgId);
    const now = Date.now();
    const iso = new Date(now).toISOString();
    const delivery = await this.store.createDelivery({
      id: newId('dlv'), msgId, endpointId: endpoint.id, appId, status: 'pending', attempts: 0,
      nextAttemptAt: now, createdAt: iso, updatedAt: iso, manual: true,
      // To an ordered endpoint, a resend queues behind what is pending for the same entity.
      orderingKey: deliveryOrderingKey(endpoint.ordering, message.orderingKey),
    }).catch((err: unknown) => {
      // Retention cleared its data: resending would deliver `null` in place of the event.
      if (err instanceof MessagePurgedError) {
        throw new ApiError('message_purged', `message "${msgId}" is older than the retention period and its payload was purged; there is nothing left to resend`);
      }
      throw err;
    });
    this.notifier.newWork();
    return delivery;
  }
}
