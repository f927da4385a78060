import type { IncomingMessage } from 'node:http';

/** What reading a request body gave. */
export type ReadBodyResult =
  | { ok: true; body: Buffer }
  /** Declared or streamed beyond the limit; reading stopped there, nothing more was kept. */
  | { ok: false; reason: 'too-large'; bytes: number }
  /** The sender went away before the body was complete. */
  | { ok: false; reason: 'aborted' };

/**
 * Reads a request body into memory, but never more than `limitBytes` of it: a declared
 * `Content-Length` over the limit is refused before reading, and a chunked body is refused as
 * soon as it grows past the limit. After a refusal the rest of the body is discarded as it
 * arrives (the caller answers 413 and closes the connection).
 */
export function readBody(req: IncomingMessage, limitBytes: number): Promise<ReadBodyResult> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limitBytes) {
    return Promise.resolve({ ok: false, reason: 'too-large', bytes: Number(declared) });
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    // The listeners stay attached once settled (they only see the flag); inline callbacks keep
    // this hot path free of per-request named closures.
    let settled = false;
    req.on('data', (chunk: Buffer) => {
      if (settled) return;
      bytes += chunk.length;
      if (bytes > limitBytes) {
        settled = true;
        chunks.length = 0;
        // Nobody keeps the rest: it is dropped as it arrives, not buffered.
        resolve({ ok: false, reason: 'too-large', bytes });
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (settled) return;
      settled = true;
      resolve({ ok: true, body: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, bytes) });
    });
    req.on('close', () => {
      // 'close' after 'end' is the normal case; before it, the sender went away.
      if (settled) return;
      settled = true;
      resolve({ ok: false, reason: 'aborted' });
    });
    // Without a listener, a reset connection would be an uncaught error; 'close' follows it.
    req.on('error', () => {});
  });
}
