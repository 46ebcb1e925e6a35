import { createConnection, createServer, type Server, type Socket } from 'node:net';

// A loopback TCP relay to PostgreSQL that can lose the answer to one COMMIT: the COMMIT reaches
// the server (which commits), but its reply never reaches the client, and the connection is then
// reset, as when the network or the database host fails at the worst moment.

export interface CommitTrapProxy {
  port: number;
  /**
   * Arms the trap: on the first connection whose traffic names `marker` (e.g. a prepared
   * statement's name), the next COMMIT is passed on and its answer dropped; then that connection
   * is reset. Resolves once it has fired.
   */
  loseCommitAfter(marker: string): Promise<void>;
  close(): Promise<void>;
}

export async function startCommitTrapProxy(targetHost: string, targetPort: number): Promise<CommitTrapProxy> {
  const sockets = new Set<Socket>();
  let trap: { marker: Buffer; fired: () => void } | null = null;
  const server: Server = createServer((client) => {
    const upstream = createConnection({ host: targetHost, port: targetPort });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => s.destroy());
    }
    let armed = false;
    let swallowing = false;
    client.on('data', (chunk: Buffer) => {
      if (trap && !armed && chunk.includes(trap.marker)) armed = true;
      // A simple-protocol query message: 'Q', length, "COMMIT\0".
      if (armed && trap && chunk.includes(Buffer.from('COMMIT\0'))) {
        const { fired } = trap;
        trap = null;
        swallowing = true;
        upstream.write(chunk);
        // Time for the server to commit; then the connection dies without the client hearing back.
        setTimeout(() => {
          client.resetAndDestroy();
          upstream.destroy();
          fired();
        }, 300);
        return;
      }
      if (!swallowing) upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (!swallowing) client.write(chunk);
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    loseCommitAfter(marker) {
      return new Promise((resolve) => {
        trap = { marker: Buffer.from(marker), fired: resolve };
      });
    },
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
