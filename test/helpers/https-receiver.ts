import { createServer, type ServerOptions } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';

export interface HttpsRequest {
  method: string;
  url: string;
  body: string;
  /** The client certificate's common name, when the client presented one. */
  clientCn: string | null;
}

export interface HttpsReceiver {
  url: string;
  requests: HttpsRequest[];
  /** Failed TLS handshakes (e.g. a client without a certificate when one is required). */
  handshakeErrors: string[];
  waitFor(count: number, timeoutMs?: number): Promise<HttpsRequest[]>;
  close(): Promise<void>;
}

/** A real HTTPS server on loopback answering 200 and recording what arrived and who presented which certificate. */
export async function startHttpsReceiver(tls: ServerOptions): Promise<HttpsReceiver> {
  const requests: HttpsRequest[] = [];
  const handshakeErrors: string[] = [];
  const waiters: Array<() => void> = [];
  const server = createServer(tls, async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const peer = (req.socket as TLSSocket).getPeerCertificate();
    const cn = peer?.subject?.CN;
    requests.push({
      method: req.method ?? '',
      url: req.url ?? '',
      body: Buffer.concat(chunks).toString('utf8'),
      clientCn: typeof cn === 'string' ? cn : null,
    });
    res.writeHead(200).end('ok');
    for (const w of waiters.splice(0)) w();
  });
  server.on('tlsClientError', (err) => handshakeErrors.push(err.message));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    requests,
    handshakeErrors,
    waitFor(count, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const deadline = setTimeout(() => reject(new Error(`expected ${count} requests, received ${requests.length}`)), timeoutMs);
        const check = () => {
          if (requests.length >= count) {
            clearTimeout(deadline);
            resolve(requests.slice(0, count));
          } else waiters.push(check);
        };
        check();
      });
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
