import { createServer, type RequestListener, type Server } from 'node:http';
import { answerClientErrorsWithProblems } from '@mirror/lifecycle';

/**
 * How long an idle keep-alive connection stays open. Node's default (5 s) is what clients
 * assume too: Node's own agent drops idle sockets after 5 s, and undici takes the server's
 * `Keep-Alive: timeout=5` hint minus a couple of seconds. A client whose event loop is busy for
 * a few seconds between two polls (its timers run late) then reuses a socket the server has
 * just closed, and its request fails with `SocketError: other side closed`. Well above those
 * windows, the server is never the side that closes a connection a client still believes in;
 * 65 s is also above the 60 s idle timeout of common load balancers, so they close first.
 */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;
/** A whole request (the API's requests have no body but the fulfil POST's) must arrive within this. */
export const REQUEST_TIMEOUT_MS = 30_000;
/**
 * The request head must arrive within this. Node applies it to requests being received only,
 * not to idle keep-alive connections, so it need not exceed {@link KEEP_ALIVE_TIMEOUT_MS}.
 */
export const HEADERS_TIMEOUT_MS = 10_000;

/**
 * Largest request head (request line and headers) the API reads. Node's default (16 KiB) is
 * below what the documented parameters allow: ids and filters of 1,024 characters, each up to 9
 * bytes once percent-encoded, several to a request. A test derives the largest documented
 * request of every operation from the OpenAPI document and holds it under this with room for
 * ordinary headers; a bigger head gets a 431 problem document.
 */
export const MAX_HEADER_BYTES = 64 * 1024;

/**
 * The API's HTTP server with its connection limits, for `server.ts` and for the tests (so that
 * they meet the same limits as production).
 */
export function createApiServer(listener: RequestListener): Server {
  const server = createServer(
    {
      requestTimeout: REQUEST_TIMEOUT_MS,
      headersTimeout: HEADERS_TIMEOUT_MS,
      keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
      maxHeaderSize: MAX_HEADER_BYTES,
      // Node checks the two timeouts above only this often (30 s by default).
      connectionsCheckingInterval: 1000,
    },
    listener,
  );
  answerClientErrorsWithProblems(server);
  return server;
}
