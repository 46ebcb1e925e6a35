import pino, { type DestinationStream, type Logger } from 'pino';

/**
 * Fields that may hold a secret wherever they appear in a log object. Herald's own code never
 * logs them; this is the safety net for a future `log.info({ endpoint })` or an error carrying
 * a request.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'secret', '*.secret', 'secrets', '*.secrets',
  'token', '*.token', 'adminToken', '*.adminToken',
  'key', 'tls.key', '*.tls.key', 'passphrase', '*.passphrase', '*.tls.passphrase',
  'encryptionKey', '*.encryptionKey',
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = { level, base: { service: 'herald' }, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } };
  return destination ? pino(options, destination) : pino(options);
}
