import type { Static } from 'typebox';
import type {
  AppCreate,
  AppPatch,
  EndpointCreate,
  EndpointPatch,
  EventTypeCreate,
  EventTypeImport,
  EventTypePatch,
  MessageBatchCreate,
  MessageCreate,
  SecretRotate,
  TestEventCreate,
} from '../schemas/bodies.js';
import type { AttemptListQuery, MessageListQuery, Pagination } from '../api/schemas.js';
import type { appJson, attemptJson, endpointJson, messageJson } from '../api/serializers.js';
import type { PortalLinkCreate, TokenCreate, tokenJson } from '../api/routes/tokens.js';
import type { RecoverCreate, taskJson } from '../api/routes/tasks.js';
import type { OperatorTokenCreate, operatorTokenJson } from '../api/routes/operator-tokens.js';
import type { AuditLogQuery, auditJson } from '../api/routes/audit-log.js';
import type { EndpointDeliveryQuery } from '../api/routes/endpoint-deliveries.js';
import type { deliveryJson, deliverySummary } from '../api/delivery-state.js';
import type { Delivery, EventType } from '../domain/model.js';
import type { EndpointStats } from '../services/endpoint-stats.js';
import type { ImportResult } from '../services/event-catalogue.js';
import type { EffectiveBranding, OwnBranding } from '../services/branding-service.js';
import type { BrandingPutBody } from '../schemas/branding.js';

// Request types come from the server's own TypeBox schemas and response types from its serializers,
// so a field added or renamed on the server changes the client's types in the same build.

export type AppCreateInput = Static<typeof AppCreate>;
export type AppPatchInput = Static<typeof AppPatch>;
export type EventTypeCreateInput = Static<typeof EventTypeCreate>;
export type EventTypePatchInput = Static<typeof EventTypePatch>;
export type EventTypeImportInput = Static<typeof EventTypeImport>;
export type EventTypeListQuery = PageQuery & { group?: string };
export type EventTypeImportOut = ImportResult;
export type EndpointCreateInput = Static<typeof EndpointCreate>;
export type EndpointPatchInput = Static<typeof EndpointPatch>;
export type MessageCreateInput = Static<typeof MessageCreate>;
export type MessageBatchInput = Static<typeof MessageBatchCreate>;
export type TestEventInput = Static<typeof TestEventCreate>;
export type SecretRotateInput = Static<typeof SecretRotate>;
export type TokenCreateInput = Static<typeof TokenCreate>;
export type PortalLinkInput = Static<typeof PortalLinkCreate>;
export type RecoverInput = Static<typeof RecoverCreate>;
export type PageQuery = Static<typeof Pagination>;
export type MessageListParams = Static<typeof MessageListQuery>;
export type AttemptListParams = Static<typeof AttemptListQuery>;
export type EndpointDeliveryListParams = Static<typeof EndpointDeliveryQuery>;

export type AppOut = ReturnType<typeof appJson>;
export type EndpointOut = ReturnType<typeof endpointJson>;
/** Only the create response carries the secret; afterwards use `endpoints.secret()`. */
export type EndpointWithSecretOut = EndpointOut & { secret: string };
export type MessageOut = ReturnType<typeof messageJson>;
/** `deliveries` is absent when `duplicate` is true (an earlier message with the same idempotency key). */
export type PublishedMessageOut = MessageOut & { deliveries?: number; duplicate: boolean };
export type AttemptOut = ReturnType<typeof attemptJson>;
/** One delivery: `state` is delivered | pending | failing | exhausted | cancelled; `nextAttemptAt` is set while it is still to be sent. */
export type DeliveryOut = ReturnType<typeof deliveryJson>;
/** A message's `delivery`: its overall state, the count per state and each endpoint's current delivery. */
export type MessageDeliveryOut = ReturnType<typeof deliverySummary>;
/** Messages as lists and GET answer them. */
export type MessageWithDeliveryOut = MessageOut & { delivery: MessageDeliveryOut };
/** An event type of the catalogue (docs/event-catalogue.md); `revision` stays inside Herald. */
export type EventTypeOut = Omit<EventType, 'revision'>;
export type ResendOut = { deliveryId: Delivery['id']; msgId: Delivery['msgId']; endpointId: Delivery['endpointId']; status: Delivery['status'] };
/** `expunged`: payload and attempt bodies cleared; `deferred`: cleared once the message's pending deliveries settle. */
export type ExpungedContentOut = { id: string; content: 'expunged' | 'deferred' };
export type SecretOut = { secret: string };
export type EndpointStatsOut = EndpointStats;
/** `oldSecretsExpireAt`: when the replaced secret stops signing; null when it stopped at once. */
export type RotatedSecretOut = { secret: string; oldSecretsExpireAt: string | null };
export type TokenOut = ReturnType<typeof tokenJson>;
/** The token text appears only in this response: Herald keeps its hash. */
export type IssuedTokenOut = TokenOut & { token: string };
/** `embed`: HTML for a host page (docs/embedding.md); `allowedOrigins`: who may frame it (the link's, else the app's). */
export type PortalLinkOut = {
  url: string; token: string; expiresAt: string | null; embed: string; allowedOrigins: string[];
  /** What the link may do (docs/tenants-and-tokens.md); all of them unless asked otherwise. */
  capabilities: string[];
  /** The event types it may subscribe to and see; null: every type. */
  eventTypes: string[] | null;
};
/** What the caller's token may do in an app (a portal link: its scope; other tokens: everything). */
export type PortalSessionOut = { appId: string; kind: 'admin' | 'app' | 'portal'; capabilities: string[]; eventTypes: string[] | null };
/** A background task: `status` running → finished (or failed, with `error`); `done` of `total` items. */
export type TaskOut = ReturnType<typeof taskJson>;

export interface PageOut<T> {
  data: T[];
  /** Pass as `iterator` to get the next page; null when there is none. */
  iterator: string | null;
  done: boolean;
}

/** PUT …/branding: product name, accent (#rrggbb) and theme; null fields fall back to the server's. */
export type BrandingInput = BrandingPutBody;
/** What the portal applies (the app's own settings over the server's), and what the app sets itself. */
export type BrandingOut = { appId: string } & EffectiveBranding & { own: OwnBranding };

/** POST /api/v1/tokens: a named operator token's name, role (viewer | operator | admin) and optional lifetime in seconds. */
export type OperatorTokenInput = Static<typeof OperatorTokenCreate>;
export type OperatorTokenOut = ReturnType<typeof operatorTokenJson>;
/** The token text appears only in this response: Herald keeps its hash. */
export type IssuedOperatorTokenOut = OperatorTokenOut & { token: string };
/** GET /api/v1/audit-log filters: `since` (ISO time), `token` (name or id), `app` (id or uid), `action` (e.g. endpoints.disable). */
export type AuditLogParams = Static<typeof AuditLogQuery>;
export type AuditEntryOut = ReturnType<typeof auditJson>;

/** POST …/endpoints/{endpointId}/transformation/test: docs/transformations.md. */
export type TransformationTestInput = Static<typeof import('../schemas/transformation-test.js').TransformationTestBody>;
export type TransformationTestOut = import('../services/transformation-test.js').TransformationTestResult;
