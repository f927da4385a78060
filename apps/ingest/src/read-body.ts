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
    const finish = (result: ReadBodyResult) => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onAborted);
      req.off('close', onAborted);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > limitBytes) {
        chunks.length = 0;
        // Keep the stream flowing with nobody listening: the excess is dropped, not buffered.
        req.resume();
        finish({ ok: false, reason: 'too-large', bytes });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      finish({ ok: true, body: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, bytes) });
    };
    const onAborted = () => finish({ ok: false, reason: 'aborted' });
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onAborted);
    req.on('close', onAborted);
  });
}
