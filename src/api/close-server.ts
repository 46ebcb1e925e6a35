import type { FastifyInstance } from 'fastify';

/**
 * Closes the HTTP server, letting requests in progress finish for up to `graceMs`. Fastify closes
 * idle keep-alive connections itself but waits for busy ones without limit, so a client that
 * stops reading a response (or a slow download) would hold shutdown for minutes. Past the grace
 * period the remaining connections are cut.
 */
export async function closeServerWithin(server: FastifyInstance, graceMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const graceOver = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      server.server.closeAllConnections();
      resolve();
    }, graceMs);
  });
  try {
    const closed = server.close();
    await Promise.race([closed, graceOver]);
    // close() resolves once the last connection is gone, which closeAllConnections has ensured.
    await closed;
  } finally {
    clearTimeout(timer);
  }
}
