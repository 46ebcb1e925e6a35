// SSRF guard for outbound webhook deliveries. Herald POSTs to URLs strangers type
// in, so by default it refuses anything that is not a public unicast address:
// a create-time URL check (assertUrlAllowed) for early, clear errors, and a
// connect-time undici connector (guardedConnector) that vets the address actually
// connected to, which is what defeats DNS rebinding.
export { BlockedDestinationError, InvalidUrlError } from './network-guard/errors.js';
export { blockedRange, parseAllowedNetworks, type NetworkPolicy } from './network-guard/ranges.js';
export { assertUrlAllowed, type LookupAll } from './network-guard/assert-url.js';
export { guardedConnector } from './network-guard/connector.js';
