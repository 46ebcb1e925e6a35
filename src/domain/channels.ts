// Channels: a second routing dimension beside event types, as Svix has it. An endpoint that lists
// channels receives only messages carrying at least one of them; an endpoint without channels
// receives every message, with or without channels. A message without channels therefore goes
// only to endpoints that list none.

// Names (letters, digits and `-_.:`, 1 to 128) and the limit of 10 are checked by schemas/bodies.ts.

export function channelsMatch(endpointChannels: readonly string[] | null | undefined, messageChannels: readonly string[] | null | undefined): boolean {
  if (!endpointChannels || endpointChannels.length === 0) return true;
  if (!messageChannels || messageChannels.length === 0) return false;
  return messageChannels.some((c) => endpointChannels.includes(c));
}
