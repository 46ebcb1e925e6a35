import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createTcpServer, type AddressInfo, type Server, type Socket } from 'node:net';
import selfsigned from 'selfsigned';

// Receivers that misbehave the ways real ones do, on loopback, for testing that Herald bounds
// each one by the endpoint timeout and its response capture. Each counts what it saw so a test
// can tell "Herald gave up" from "the server never got the request".

export interface HostileServer {
  url: string;
  /** Connections accepted so far. */
  connections: number;
  /** Connections still open right now. */
  open: number;
  /**
   * Open connections that carried a request. (undici may reconnect after an aborted request and
   * keep that fresh, unused connection idle until its keep-alive timeout; those are not counted.)
   */
  busy: number;
  /** Response bytes written, all connections together. */
  bytesSent: number;
  close(): Promise<void>;
}

interface ConnectionContext {
  stats: HostileServer;
  /** setInterval whose timer is also cleared when the server closes, so no test leaks a ticking server. */
  every(ms: number, tick: () => void): NodeJS.Timeout;
}
type OnConnection = (socket: Socket, ctx: ConnectionContext) => void;

/** A raw TCP server: `onConnection` decides everything, including whether HTTP is spoken at all. */
async function tcpServer(scheme: 'http' | 'https', onConnection: OnConnection): Promise<HostileServer> {
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const stats: HostileServer = { url: '', connections: 0, open: 0, busy: 0, bytesSent: 0, close: async () => {} };
  const server: Server = createTcpServer((socket) => {
    track(socket, stats);
    sockets.add(socket);
    socket.on('error', () => {}); // resets are what these servers are for
    socket.on('close', () => sockets.delete(socket));
    onConnection(socket, {
      stats,
      every: (ms, tick) => {
        const timer = setInterval(tick, ms);
        timers.add(timer);
        return timer;
      },
    });
  });
  await listen(server);
  stats.url = `${scheme}://127.0.0.1:${(server.address() as AddressInfo).port}`;
  stats.close = () => {
    for (const t of timers) clearInterval(t);
    for (const s of sockets) s.destroy();
    return new Promise((resolve) => server.close(() => resolve()));
  };
  return stats;
}

/** Counts a connection in `open`, and in `busy` from its first received byte until it closes. */
function track(socket: Socket, stats: HostileServer): void {
  stats.connections++;
  stats.open++;
  let carried = false;
  socket.once('data', () => {
    carried = true;
    stats.busy++;
  });
  socket.on('close', () => {
    stats.open--;
    if (carried) stats.busy--;
  });
}

const listen = (server: { listen(port: number, host: string, cb: () => void): unknown }) =>
  new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

/** Accepts the connection, reads the request, and never answers a single byte. */
export function stallServer(): Promise<HostileServer> {
  return tcpServer('http', (socket) => socket.resume());
}

/**
 * Answers one byte every `everyMs`, forever. `phase: 'headers'` trickles from the status line on
 * (the headers never complete in time); `'body'` sends the headers at once and trickles the body.
 */
export function trickleServer(phase: 'headers' | 'body', everyMs = 200): Promise<HostileServer> {
  return tcpServer('http', (socket, { stats, every }) => {
    socket.resume();
    socket.once('data', () => {
      const head = 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 1000000\r\n\r\n';
      let pending = phase === 'headers' ? head : '';
      if (phase === 'body') {
        socket.write(head);
        stats.bytesSent += head.length;
      }
      const timer = every(everyMs, () => {
        if (socket.destroyed) return clearInterval(timer);
        const byte = pending.length > 0 ? pending[0]! : 'x';
        pending = pending.slice(1);
        socket.write(byte);
        stats.bytesSent++;
      });
      socket.on('close', () => clearInterval(timer));
    });
  });
}

/**
 * Kills the connection once the request arrives: `'rst'` sends a TCP reset (as a crashing
 * receiver or a firewall does), `'close'` a plain FIN before any response.
 */
export function resetServer(how: 'rst' | 'close'): Promise<HostileServer> {
  return tcpServer('http', (socket) => {
    socket.once('data', () => (how === 'rst' ? socket.resetAndDestroy() : socket.end()));
  });
}

/** Answers bytes that are not HTTP at all, then hangs up. */
export function garbageServer(): Promise<HostileServer> {
  return tcpServer('http', (socket, { stats }) => {
    socket.once('data', () => {
      const garbage = Buffer.from('\u0000\u00ff\u00fe NOT HTTP AT ALL \r\n\r\n\u0007\u0008 {"ok":true}', 'latin1');
      socket.end(garbage);
      stats.bytesSent += garbage.length;
    });
  });
}

/** Listens for an https:// URL but speaks plain HTTP: the TLS handshake gets an HTTP error page. */
export function plainTcpOnHttpsServer(): Promise<HostileServer> {
  return tcpServer('https', (socket, { stats }) => {
    socket.once('data', () => {
      const reply = 'HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n';
      socket.end(reply);
      stats.bytesSent += reply.length;
    });
  });
}

/** A well-behaved HTTPS server whose certificate is self-signed, so no CA Herald trusts vouches for it. */
export async function selfSignedHttpsServer(): Promise<HostileServer> {
  const pems = await selfsigned.generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keyType: 'ec',
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
  });
  const stats: HostileServer = { url: '', connections: 0, open: 0, busy: 0, bytesSent: 0, close: async () => {} };
  const server = createHttpsServer({ key: pems.private, cert: pems.cert }, (_req, res) => res.end('ok'));
  // Only counted, not watched for data: the TLS layer reads this raw socket itself. A failed
  // handshake never carries a request, so `busy` stays 0.
  server.on('connection', (socket: Socket) => {
    stats.connections++;
    stats.open++;
    socket.on('close', () => stats.open--);
  });
  server.on('tlsClientError', () => {});
  await listen(server);
  stats.url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  stats.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return stats;
}

/**
 * Answers 200 with a body of `totalBytes` (100 MiB by default), streamed from one reused 64 KiB
 * chunk with backpressure, so the server itself never holds more than that in memory.
 */
export async function hugeBodyServer(totalBytes = 100 * 1024 * 1024): Promise<HostileServer> {
  const chunk = Buffer.alloc(64 * 1024, 'A');
  const stats: HostileServer = { url: '', connections: 0, open: 0, busy: 0, bytesSent: 0, close: async () => {} };
  const server = createHttpServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(totalBytes) });
    let left = totalBytes;
    const pump = () => {
      while (left > 0 && !res.destroyed) {
        const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
        left -= piece.length;
        stats.bytesSent += piece.length;
        if (!res.write(piece)) return void res.once('drain', pump);
      }
      if (left === 0) res.end();
    };
    res.on('error', () => {});
    pump();
  });
  server.on('connection', (socket: Socket) => track(socket, stats));
  await listen(server);
  stats.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  stats.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return stats;
}
