import type { Socket } from 'node:net';
import { API_ERRORS, type ApiErrorCode } from '../errors/api-errors.js';

/** Node's HTTP parser codes that have an answer of their own; everything else is plain bad HTTP. */
const CLIENT_ERRORS: Record<string, { code: ApiErrorCode; reason: string; message: string }> = {
  HPE_HEADER_OVERFLOW: { code: 'headers_too_large', reason: 'Request Header Fields Too Large', message: 'the request headers are larger than the server accepts' },
  ERR_HTTP_REQUEST_TIMEOUT: { code: 'request_timeout', reason: 'Request Timeout', message: 'the request was not received in time' },
};
const MALFORMED = { code: 'bad_request' as const, reason: 'Bad Request', message: 'the request is not valid HTTP/1.1' };

/**
 * Answers a request Node's HTTP parser refused before Fastify saw it (garbage, oversized headers,
 * a timeout) in the API's error shape, `{code, message}`, and closes the connection: after a
 * parse error the rest of the stream cannot be trusted.
 */
export function answerClientError(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const { code, reason, message } = CLIENT_ERRORS[err.code ?? ''] ?? MALFORMED;
  const body = JSON.stringify({ code, message });
  socket.end(
    `HTTP/1.1 ${API_ERRORS[code]} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
