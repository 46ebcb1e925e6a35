import { checkMiddlewareOptions, verifyForMiddleware, type VerifiedWebhook, type WebhookMiddlewareOptions } from './middleware-support.js';

export type { VerifiedWebhook, WebhookMiddlewareOptions } from './middleware-support.js';
export { WebhookVerificationError } from '../wire/index.js';

// Express is not a dependency: these are the few members the middleware touches, which Express's
// own req/res (and plain node:http ones) have.
export interface WebhookRequest extends AsyncIterable<Buffer | string> {
  headers: Record<string, string | string[] | undefined>;
  method?: string;
  url?: string;
  /** Express keeps the full path here when a router is mounted under a prefix. */
  originalUrl?: string;
  /** A Buffer when `express.raw()` ran first; anything else means a parser consumed the raw bytes. */
  body?: unknown;
  /** Set by some body parsers' `verify` callbacks; used when present. */
  rawBody?: Buffer | string;
  readableEnded?: boolean;
  webhook?: VerifiedWebhook;
}

export interface WebhookResponse {
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  end(body?: string): unknown;
}

export type NextFunction = (err?: unknown) => void;

declare global {
  // Express declares its Request in this global namespace; this lets TypeScript users read req.webhook.
  namespace Express {
    interface Request {
      webhook?: VerifiedWebhook;
    }
  }
}

async function rawBodyOf(req: WebhookRequest): Promise<Buffer> {
  if (Buffer.isBuffer(req.body)) return req.body;
  if (req.rawBody !== undefined) return Buffer.isBuffer(req.rawBody) ? req.rawBody : Buffer.from(req.rawBody);
  if (req.readableEnded) {
    throw new Error(
      'herald webhook middleware: the request body was already consumed by another parser. Mount it before express.json(), or use express.raw({ type: "*/*" }).',
    );
  }
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks);
}

/**
 * Express (or Connect, or node:http) middleware: reads the raw body, verifies it before your
 * handler runs, and sets `req.webhook` ({ id, payload, rawBody }). A forged or malformed request
 * gets 401 or 400 with `{ error, reason }` and never reaches the handler.
 *
 *   app.post('/webhooks/herald', heraldWebhook({ secret: process.env.HERALD_SECRET! }), (req, res) => { … });
 */
export function heraldWebhook(options: WebhookMiddlewareOptions) {
  checkMiddlewareOptions(options);
  return function heraldWebhookMiddleware(req: WebhookRequest, res: WebhookResponse, next: NextFunction): void {
    rawBodyOf(req).then(
      (rawBody) => {
        const result = verifyForMiddleware(options, { headers: req.headers, method: req.method, url: req.originalUrl ?? req.url, rawBody });
        if (result.ok) {
          req.webhook = result.webhook;
          // Downstream code expects a parsed body, as express.json() would have left it.
          req.body = result.webhook.payload;
          next();
          return;
        }
        res.statusCode = result.rejection.status;
        res.setHeader('content-type', 'application/json; charset=utf-8');
        res.end(JSON.stringify(result.rejection.body));
      },
      (err: unknown) => next(err),
    );
  };
}
