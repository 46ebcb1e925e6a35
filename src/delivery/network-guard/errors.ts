import type { BlockReason } from './ranges.js';

/** A destination Herald refuses to contact under the current network policy. */
export class BlockedDestinationError extends Error {
  readonly code = 'destination_blocked' as const;
  /** The IP address that was refused, when one was involved. */
  address?: string;
  /** Name of the blocking range ("loopback", "private", "metadata", … or "scheme"). */
  range?: string;
  /** The host as written in the URL (or handed to the connector). */
  host?: string;

  constructor(message: string, details: { address?: string; range?: string; host?: string; cause?: unknown } = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'BlockedDestinationError';
    this.address = details.address;
    this.range = details.range;
    this.host = details.host;
  }
}

/** The endpoint URL itself is unacceptable (unparseable, or carries credentials). */
export class InvalidUrlError extends Error {
  readonly code = 'invalid_url' as const;

  constructor(message: string) {
    super(message);
    this.name = 'InvalidUrlError';
  }
}

const LIFT_HINT =
  'To allow it deliberately, run Herald with --allow-private-networks, ' +
  'or add a CIDR covering the address to HERALD_ALLOWED_NETWORKS.';
const METADATA_HINT =
  'Cloud metadata addresses stay blocked even with --allow-private-networks; ' +
  'only an explicit HERALD_ALLOWED_NETWORKS entry covering the address lifts the block.';

/**
 * Builds the error for a refused address. `how` describes where the address came
 * from, e.g. "resolves only to blocked addresses" — the message must let an operator
 * see both what was refused and the one switch that changes it.
 */
export function blockedAddressError(host: string, reason: BlockReason, how?: string): BlockedDestinationError {
  const { address, range, embedded } = reason;
  if (range === 'invalid') {
    return new BlockedDestinationError(
      `Destination "${host}" is blocked: "${address}" is not a valid IP address (range: invalid).`,
      { host, address, range },
    );
  }
  const what = embedded ? `address ${address} (which embeds IPv4 ${embedded})` : `address ${address}`;
  const where = how ? `${how}; ${what}` : what;
  const hint = range === 'metadata' ? METADATA_HINT : LIFT_HINT;
  return new BlockedDestinationError(
    `Destination "${host}" is blocked: ${where} is in the ${range} range. ${hint}`,
    { host, address, range },
  );
}
