import { connect } from 'node:net';
import { once } from 'node:events';
import { expect, it } from 'vitest';
import { startTestHerald } from '../helpers/test-herald.js';

// A stop (SIGTERM, or close() when embedded) lets requests in progress finish, but must not wait
// on a client without limit.

it('stops after the grace period although a client never finishes sending its request headers', async () => {
  const herald = await startTestHerald({ shutdownGrace: 300 });
  const socket = connect(Number(new URL(herald.url).port), '127.0.0.1');
  await once(socket, 'connect');
  // Headers without the blank line that ends them: the request stays in progress.
  socket.write(`GET /api/v1/apps HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${herald.token}\r\n`);
  let received = '';
  socket.on('data', (chunk) => (received += chunk));
  const cutOff = once(socket, 'close');

  await herald.stop();
  await cutOff;
  // Cut, not answered: the request never arrived whole.
  expect(received).toBe('');
}, 20_000);
