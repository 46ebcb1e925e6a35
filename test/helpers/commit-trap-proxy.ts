import { createConnection, createServer, type Server, type Socket } from 'node:net';

// A loopback TCP relay to PostgreSQL that can lose the answer to one statement that commits by
// itself (such as the claim, `SELECT herald_claim_v2(…)`): it reaches the server, which runs and
// commits it, but its reply never reaches the client, and the connection is then reset, as when
// the network or the database host fails at the worst moment.

export interface CommitTrapProxy {
  port: number;
  /**
   * Arms the trap: the first answer to a statement naming `statement` (its text or its prepared
   * statement's name) whose bytes hold `answerHolds` is dropped, and that connection reset.
   * Resolves once it has fired.
   */
  loseAnswer(statement: string, answerHolds: string): Promise<void>;
  close(): Promise<void>;
}

export async function startCommitTrapProxy(targetHost: string, targetPort: number): Promise<CommitTrapProxy> {
  const sockets = new Set<Socket>();
  let trap: { statement: Buffer; holds: Buffer; fired: () => void } | null = null;
  const server: Server = createServer((client) => {
    const upstream = createConnection({ host: targetHost, port: targetPort });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => s.destroy());
    }
    /** The client's last message named the trap's statement: its answer is being watched. */
    let watching = false;
    client.on('data', (chunk: Buffer) => {
      if (trap) watching = chunk.includes(trap.statement);
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (watching && trap && chunk.includes(trap.holds)) {
        const { fired } = trap;
        trap = null;
        client.resetAndDestroy();
        upstream.destroy();
        fired();
        return;
      }
      client.write(chunk);
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    loseAnswer(statement, answerHolds) {
      return new Promise((resolve) => {
        trap = { statement: Buffer.from(statement), holds: Buffer.from(answerHolds), fired: resolve };
      });
    },
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
