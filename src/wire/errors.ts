/**
 * Thrown by `verifySignature`. `reason` is short and stable enough to log or show a developer
 * ("signature mismatch", "missing header x-signature"); `message` adds context for stack traces.
 */
export class WebhookVerificationError extends Error {
  readonly reason: string;

  constructor(reason: string) {
    super(`webhook verification failed: ${reason}`);
    this.name = 'WebhookVerificationError';
    this.reason = reason;
  }
}
