import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import busboy from 'busboy';
import { NatterError } from '@natter/contracts';
import { DRAIN_MAX_BYTES } from '@natter/infra/runtime';

/** The one file part of an upload: its stream (bytes as they arrive) and what the client said about it. */
export interface FilePart {
  name: string;
  /** The part's Content-Type, a claim only (sniffing decides). */
  claimedType: string | undefined;
  stream: Readable;
}


/**
 * An upload's Content-Type must be multipart/form-data. The code is the one for any wrong body type; the
 * message is the upload's own: contracts' default for the code says to send JSON, which is wrong here.
 */
export function mustBeMultipart(contentType: string | undefined): void {
  if (!/^multipart\/form-data\b/i.test(contentType ?? '')) throw new NatterError('unsupported_media_type', 'Send the file as multipart/form-data, in a part named "file".');
}

/**
 * Parse a multipart/form-data upload as a stream: `onFile` gets the part named `file` as soon as its headers
 * arrive and consumes it (nothing is buffered here). Other parts are skipped. The promise settles after the
 * whole request was read, so an error answered early (too large, wrong type) still reaches the client as
 * an answer and not as a reset; past `maxBytes` + 8 MiB the request is destroyed instead. The part's stream
 * ends (truncated) one byte after `maxBytes`, which is how the caller sees "too large".
 */
export async function withFilePart<T>(req: IncomingMessage, maxBytes: number, onFile: (part: FilePart) => Promise<T>): Promise<T> {
  mustBeMultipart(req.headers['content-type']);
  let bb: busboy.Busboy;
  try {
    bb = busboy({ headers: req.headers, limits: { files: 1, fileSize: maxBytes + 1, fields: 10, fieldSize: 1024, parts: 12, headerPairs: 20 } });
  } catch (err) {
    throw new NatterError('bad_request', 'Malformed multipart body.', undefined, { cause: err });
  }
  let received = 0;
  const onData = (chunk: Buffer) => {
    received += chunk.length;
    if (received > maxBytes + DRAIN_MAX_BYTES) req.destroy();
  };
  req.on('data', onData);
  let settle = () => {};
  const finished = new Promise<void>((resolve, reject) => {
    settle = resolve;
    bb.on('close', resolve);
    bb.on('error', (err) => reject(new NatterError('bad_request', 'Malformed multipart body.', undefined, { cause: err })));
    req.on('error', reject);
    req.on('close', () => (req.complete ? undefined : reject(new NatterError('bad_request', 'The upload was cut off.'))));
  });
  finished.catch(() => {});
  let result: Promise<T> | undefined;
  let part: Readable | undefined;
  bb.on('file', (field, stream, info) => {
    if (field !== 'file' || result) {
      stream.resume();
      return;
    }
    part = stream;
    result = onFile({ name: info.filename ?? '', claimedType: info.mimeType, stream });
    // An early refusal (wrong type, empty, too large): stop parsing and read (and drop) the rest of the request
    // so that it ends and the answer reaches the client. Draining the part's stream is not enough: once the
    // refusing reader has iterated it, its 'readable' listener makes resume() do nothing, busboy waits on it
    // and the request never ends (a PNG named .pdf held its upload slot for good).
    result.catch(() => {
      req.unpipe(bb);
      if (req.readableEnded) return settle();
      req.on('end', settle);
      req.resume();
    });
  });
  req.pipe(bb);
  try {
    await finished;
  } catch (err) {
    part?.destroy();
    if (result) await result.catch(() => {});
    throw err;
  } finally {
    req.off('data', onData);
  }
  if (!result) throw new NatterError('validation_failed', undefined, [{ path: 'file', message: 'a part named "file" is required' }]);
  return result;
}
