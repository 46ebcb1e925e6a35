// The API's JSON shapes, taken from the server's serializers so the UI cannot drift from them.
// Type-only: nothing from the server is bundled into the page.
export type {
  AppOut as App,
  AttemptOut as Attempt,
  EndpointCreateInput,
  EndpointOut as Endpoint,
  EndpointPatchInput,
  EndpointWithSecretOut,
  EventTypeOut as EventType,
  IssuedTokenOut as IssuedToken,
  MessageOut as Message,
  PageOut as Page,
  PortalLinkOut as PortalLink,
  RotatedSecretOut,
  TaskOut as Task,
  TokenOut as Token,
} from '../../sdk/client-types.js';
export type { EndpointStats, StatsBucket } from '../../services/endpoint-stats.js';
