import type { Readable } from 'node:stream';
import { NatterError } from '@natter/contracts';

/** Bytes read and thrown away after a body passed its limit before the connection is dropped instead. */
export const DRAIN_MAX_BYTES = 8 * 1024 * 1024;

/**
 * Read a request body of at most `limit` bytes. Past the limit it goes on reading, and discarding, what the
 * client still sends (up to DRAIN_MAX_BYTES), and only then rejects with `body_too_large`: a server that
 * answers and closes while the client is still sending makes the kernel reset the connection, and the client
 * (or nginx, as a 502) sees the reset instead of the 413. Past DRAIN_MAX_BYTES the stream is destroyed.
 */
export function readLimitedBody(stream: Readable, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const onData = (chunk: Buffer | string) => {
      received += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
      if (received <= limit) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
      else if (received > limit + DRAIN_MAX_BYTES) {
        cleanup();
        stream.destroy();
        reject(new NatterError('body_too_large'));
      }
    };
    const onEnd = () => {
      cleanup();
      if (received > limit) reject(new NatterError('body_too_large'));
      else resolve(Buffer.concat(chunks, received));
    };
    const onError = (err: Error) => {
      cleanup();
      reject(received > limit ? new NatterError('body_too_large') : err);
    };
    const cleanup = () => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
    };
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
    stream.resume();
  });
}

/**
 * Read and drop what is left of a request whose answer is already decided (refused before or while its body
 * was read), for the reason above: the client sees the answer, not a reset. A streaming route's body may
 * legitimately be up to `limit` bytes, so the stream is destroyed only past `limit` + DRAIN_MAX_BYTES.
 * Resolves when the stream ends, closes or fails; never rejects.
 */
export function discardBody(stream: Readable, limit: number): Promise<void> {
  return new Promise((resolve) => {
    let received = 0;
    const done = () => {
      stream.off('data', onData);
      resolve();
    };
    const onData = (chunk: Buffer | string) => {
      received += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
      if (received > limit + DRAIN_MAX_BYTES) {
        stream.destroy();
        done();
      }
    };
    stream.on('data', onData);
    stream.once('end', done);
    stream.once('close', done);
    stream.once('error', done);
    stream.resume();
  });
}

/** A JSON body: empty means none (`undefined`), anything else must parse, else `bad_json`. */
export function parseJsonBody(body: Buffer): unknown {
  const text = body.toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new NatterError('bad_json', undefined, undefined, { cause: err });
  }
}

/** The part of a Fastify instance that registers body parsers (structural: infra imports no Fastify). */
export interface BodyParsers {
  removeAllContentTypeParsers(): void;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  addContentTypeParser(type: string, parser: (req: any, payload: any) => Promise<unknown>): void;
}

/**
 * Bodies are JSON or nothing: every other media type (Fastify's default text/plain parser included), and a
 * body without a Content-Type, is refused with 415 `unsupported_media_type` by Fastify
 * (FST_ERR_CTP_INVALID_MEDIA_TYPE, mapped in httpErrorOf). An empty JSON body is "no body" (commands such as
 * join take none).
 */
export function acceptJsonBodiesOnly(app: BodyParsers, limit: number): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', async (_req, payload: Readable) => parseJsonBody(await readLimitedBody(payload, limit)));
}
