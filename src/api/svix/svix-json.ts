import type { App, Endpoint, EventType } from '../../domain/model.js';
import { ApiError } from '../../errors/api-errors.js';

// Herald's records as Svix's SDKs read them (ApplicationOut, EndpointOut, EventTypeOut): every
// field the SDK's types mark required is always sent.

export function svixAppJson(app: App) {
  // Herald has no app-wide rate: a throttleRate is refused on input (refuseUnsupported).
  return { id: app.id, uid: app.uid, name: app.name, metadata: app.metadata ?? {}, throttleRate: null, rateLimit: null, createdAt: app.createdAt, updatedAt: app.updatedAt };
}

export function svixEndpointJson(ep: Endpoint) {
  const types = ep.eventTypes && ep.eventTypes.length > 0 ? ep.eventTypes : null;
  const channels = (ep as Endpoint & { channels?: string[] | null }).channels;
  return {
    id: ep.id,
    uid: ep.uid ?? null,
    url: ep.url,
    description: ep.description ?? '',
    disabled: ep.disabled,
    filterTypes: types,
    // Svix's newer name for the same list.
    eventTypes: types,
    channels: channels && channels.length > 0 ? channels : null,
    throttleRate: ep.rateLimit === null ? null : Math.round(ep.rateLimit),
    rateLimit: ep.rateLimit === null ? null : Math.round(ep.rateLimit),
    metadata: ep.metadata ?? {},
    version: 1,
    createdAt: ep.createdAt,
    updatedAt: ep.updatedAt,
  };
}

export function svixEventTypeJson(et: EventType) {
  return {
    name: et.name,
    description: et.description ?? '',
    archived: et.archived ?? false,
    deprecated: et.deprecated,
    // Svix keys schemas by version; Herald keeps one schema per type, served as version "1".
    schemas: et.schema ? { '1': et.schema } : null,
    groupName: et.group,
    featureFlags: null,
    featureFlag: null,
    createdAt: et.createdAt,
    updatedAt: et.updatedAt,
  };
}

/**
 * Svix fields Herald has no place for (an app-wide throttle, feature flags …): refused
 * with 501 naming the field when set to anything but empty, never stored-and-forgotten.
 */
export function refuseUnsupported(route: string, fields: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(fields)) {
    const empty = value === undefined || value === null || value === false || (typeof value === 'object' && Object.keys(value as object).length === 0);
    if (!empty) {
      throw new ApiError('not_implemented', `${route}: Herald does not support Svix's \`${name}\` (docs/svix-compatibility.md); leave it out or empty`);
    }
  }
}
