/**
 * Reading an API call's body with a size limit. A body over the limit is not
 * answered by destroying the socket (the client then sees a connection reset
 * and no reason): the rest is read and thrown away, so the caller can answer
 * 413 with a message the client actually receives. Past `discardLimit` more
 * bytes the sender is taken to be hostile and the connection is cut.
 */
import type * as http from 'node:http';

export const MAX_BODY = 16 * 1024 * 1024;
/** How much of an oversized body is drained before the connection is cut. */
export const MAX_DISCARD = 64 * 1024 * 1024;

export type BodyResult = { kind: 'ok'; text: string } | { kind: 'too-large'; drained: Promise<void> };

/** The body as text, or 'too-large' as soon as it passes `limit` (with a promise that settles once the rest is drained or cut). */
export function readBody(req: http.IncomingMessage, limit = MAX_BODY, discardLimit = MAX_DISCARD): Promise<BodyResult> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? NaN);
    let size = 0;
    let chunks: Buffer[] | null = [];
    let drainDone: () => void = () => undefined;
    const drained = new Promise<void>((done) => { drainDone = done; });
    const overflow = (): void => {
      chunks = null;
      resolve({ kind: 'too-large', drained });
    };
    if (Number.isFinite(declared) && declared > limit) overflow();
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (chunks === null) {
        if (size > limit + discardLimit) { req.destroy(); drainDone(); }
        return;
      }
      if (size > limit) { overflow(); return; }
      chunks.push(c);
    });
    req.on('end', () => {
      if (chunks === null) drainDone();
      else resolve({ kind: 'ok', text: Buffer.concat(chunks).toString('utf8') });
    });
    req.on('close', drainDone);
    req.on('error', (e) => { drainDone(); reject(e); });
  });
}
