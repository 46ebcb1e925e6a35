import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifySignatureOnly, WebhookVerificationError, type VerifyWebhookOptions } from '../sdk/verify.js';
import { forwardRequest, forwardUrl } from './listen-forward.js';
import { LISTEN_PAGE_HTML } from './listen-page.js';

export type SignatureCheck = Omit<VerifyWebhookOptions, 'body' | 'headers' | 'method' | 'url'>;

export interface ListenerOptions {
  port: number;
  /** Loopback by default: the listener answers anyone who can reach it. */
  host?: string;
  /** How to check signatures; null shows requests without checking them. */
  verification: SignatureCheck | null;
  /** What to answer when not forwarding. */
  status: number;
  /** Replay each request here and answer with its response. */
  forwardTo?: string;
  /** Requests kept for the live page. */
  historySize?: number;
  /** Called once per request, after it was answered (the CLI prints it here). */
  onRequest?(captured: CapturedRequest): void;
}

export type SignatureResult = { result: 'valid' } | { result: 'invalid'; reason: string } | { result: 'unchecked' };

export interface CapturedRequest {
  seq: number;
  receivedAt: string;
  method: string;
  /** Path and query as received. */
  path: string;
  query: Record<string, string[]>;
  headers: Record<string, string | string[]>;
  body: string;
  /** The body parsed, when it is JSON. */
  json?: unknown;
  signature: SignatureResult;
  response: { status: number; forwardedTo?: string; error?: string };
}

export interface Listener {
  url: string;
  pageUrl: string;
  requests: CapturedRequest[];
  close(): Promise<void>;
}

export const PAGE_PATH = '/_herald';
const MAX_BODY_BYTES = 10 * 1024 * 1024;

async function readBody(req: IncomingMessage): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function checkSignature(check: SignatureCheck | null, req: IncomingMessage, body: Buffer): SignatureResult {
  if (!check) return { result: 'unchecked' };
  try {
    verifySignatureOnly({ ...check, headers: req.headers, method: req.method, url: req.url, body: body.length > 0 ? body : undefined });
    return { result: 'valid' };
  } catch (err) {
    if (err instanceof WebhookVerificationError) return { result: 'invalid', reason: err.reason };
    return { result: 'invalid', reason: (err as Error).message };
  }
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** `herald listen`'s server: shows, checks and answers (or forwards) every request it receives. */
export async function startListener(options: ListenerOptions): Promise<Listener> {
  const historySize = options.historySize ?? 200;
  const requests: CapturedRequest[] = [];
  const pageClients = new Set<ServerResponse>();
  let seq = 0;

  const publish = (captured: CapturedRequest) => {
    requests.push(captured);
    if (requests.length > historySize) requests.shift();
    for (const client of pageClients) client.write(`event: request\ndata: ${JSON.stringify(captured)}\n\n`);
    options.onRequest?.(captured);
  };

  const servePage = (req: IncomingMessage, res: ServerResponse, path: string) => {
    if (path === PAGE_PATH || path === `${PAGE_PATH}/`) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(LISTEN_PAGE_HTML);
    } else if (path === `${PAGE_PATH}/requests`) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(requests));
    } else if (path === `${PAGE_PATH}/events`) {
      // Server-sent events: the page gets the history first, then each request as it arrives.
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
      res.write(': connected\n\n'); // sends the headers now, so the page knows it is live
      for (const captured of requests) res.write(`event: request\ndata: ${JSON.stringify(captured)}\n\n`);
      pageClients.add(res);
      res.on('close', () => pageClients.delete(res));
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = req.url ?? '/';
    const pathname = path.split('?', 1)[0]!;
    if (req.method === 'GET' && (pathname === PAGE_PATH || pathname.startsWith(`${PAGE_PATH}/`))) return servePage(req, res, pathname);
    // Browsers ask for this on their own when the live page is open; it is not a webhook.
    if (req.method === 'GET' && pathname === '/favicon.ico') return void res.writeHead(404).end();

    const body = await readBody(req);
    if (body === null) return void res.writeHead(413, { 'content-type': 'text/plain' }).end('body too large for herald listen\n');
    const text = body.toString('utf8');
    const query: Record<string, string[]> = {};
    for (const [key, value] of new URL(path, 'http://listener.invalid').searchParams) (query[key] ??= []).push(value);
    const captured: CapturedRequest = {
      seq: ++seq,
      receivedAt: new Date().toISOString(),
      method: req.method ?? 'GET',
      path,
      query,
      headers: req.headers as Record<string, string | string[]>,
      body: text,
      json: parseJson(text),
      signature: checkSignature(options.verification, req, body),
      response: { status: options.status },
    };

    if (options.forwardTo) {
      const target = forwardUrl(options.forwardTo, path);
      try {
        const answer = await forwardRequest(options.forwardTo, { method: captured.method, path, headers: req.headers, body });
        captured.response = { status: answer.status, forwardedTo: target };
        res.writeHead(answer.status, answer.headers).end(answer.body);
      } catch (err) {
        const reason = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
        captured.response = { status: 502, forwardedTo: target, error: reason };
        res.writeHead(502, { 'content-type': 'text/plain' }).end(`herald listen could not forward to ${target}: ${reason}\n`);
      }
    } else {
      res.writeHead(options.status, { 'content-type': 'application/json' }).end(JSON.stringify({ received: true }));
    }
    publish(captured);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: Error) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' }).end(`herald listen: ${err.message}\n`);
    });
  });
  // Keeps proxies and browsers from dropping an idle event stream.
  const heartbeat = setInterval(() => {
    for (const client of pageClients) client.write(': ping\n\n');
  }, 15_000);
  heartbeat.unref();

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    url: origin,
    pageUrl: `${origin}${PAGE_PATH}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(heartbeat);
        for (const client of pageClients) client.end();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
