import { STATUS_CODES, type Server } from 'node:http';
import type { Duplex } from 'node:stream';

/** What a request Node's parser refused gets, by the parser's error code. */
function statusOf(code: string | undefined): { status: number; detail: string } {
  if (code === 'HPE_HEADER_OVERFLOW') {
    return {
      status: 431,
      detail: 'The request line and headers together are larger than this server accepts.',
    };
  }
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT' || code === 'ERR_HTTP_HEADERS_TIMEOUT') {
    return { status: 408, detail: 'The request did not arrive in time.' };
  }
  return { status: 400, detail: 'The request is not valid HTTP/1.1.' };
}

/**
 * Requests refused before they reach the app (a head over `maxHeaderSize`, a request that does
 * not arrive in time, malformed HTTP) get a problem document like every other refusal, instead
 * of Node's bare status line. The connection is closed afterwards: its framing is unreliable.
 */
export function answerClientErrorsWithProblems(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    // A reset or half-closed connection has nobody left to answer.
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const { status, detail } = statusOf(error.code);
    const title = STATUS_CODES[status] ?? 'Error';
    const body = JSON.stringify({ type: 'about:blank', title, status, detail });
    socket.end(
      `HTTP/1.1 ${status} ${title}\r\n` +
        'Content-Type: application/problem+json; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        'Cache-Control: no-store\r\nConnection: close\r\n\r\n' +
        body,
    );
  });
}
