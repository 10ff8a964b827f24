import { ClientFrame, fieldProblems, isClientFrameType, type ErrorCode } from '@natter/contracts';

/** A client frame read as JSON, or why it cannot be; `id` whenever one could be read, so every error carries it. */
export type FrameRead =
  | { ok: true; json: Record<string, unknown>; id?: string }
  | { ok: false; code: ErrorCode; message: string; id?: string };

export type FrameParse = { ok: true; frame: ClientFrame } | { ok: false; code: ErrorCode; message: string; id?: string };

/** Step 1: a text frame holding a JSON object with a known `type` (contracts' ClientFrameTypes). */
export function readFrame(data: ArrayBuffer, isBinary: boolean): FrameRead {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(data).toString('utf8'));
  } catch {
    return { ok: false, code: 'unknown_frame', message: isBinary ? 'binary frames are not part of the protocol' : 'frame is not valid JSON' };
  }
  const o = typeof json === 'object' && json !== null && !Array.isArray(json) ? (json as Record<string, unknown>) : undefined;
  const id = typeof o?.id === 'string' && o.id.length > 0 ? o.id.slice(0, 64) : undefined;
  const withId = id ? { id } : {};
  // A binary frame is refused whatever it holds, under its id if it has one (a client waiting on it gets an answer).
  if (isBinary) return { ok: false, code: 'unknown_frame', message: 'binary frames are not part of the protocol', ...withId };
  if (!o) return { ok: false, code: 'unknown_frame', message: 'a frame is a JSON object' };
  if (!isClientFrameType(o.type)) return { ok: false, code: 'unknown_frame', message: 'unknown frame type', ...withId };
  return { ok: true, json: o, ...withId };
}

/** Step 2: the frame's schema (contracts' ClientFrame); the message names every bad field. */
export function validateFrame(read: Extract<FrameRead, { ok: true }>): FrameParse {
  const parsed = ClientFrame.safeParse(read.json);
  if (parsed.success) return { ok: true, frame: parsed.data };
  const where = fieldProblems(parsed.error).map((p) => `${p.path || '(frame)'}: ${p.message}`).join('; ');
  return { ok: false, code: 'validation_failed', message: where, ...(read.id ? { id: read.id } : {}) };
}

export function parseClientFrame(data: ArrayBuffer, isBinary: boolean): FrameParse {
  const read = readFrame(data, isBinary);
  return read.ok ? validateFrame(read) : read;
}

/**
 * An error frame has no `details`: a refused command's bad fields (HTTP's `details: [{path, message}]`) go in
 * its message, as a frame's own validation names them (docs/websocket.md).
 */
export function errorMessageOf(error: { code: string; message: string; details?: unknown }): string {
  const fields = Array.isArray(error.details) ? error.details.filter((d): d is { path: string; message: string } => typeof d?.path === 'string' && typeof d?.message === 'string') : [];
  return error.code === 'validation_failed' && fields.length ? fields.map((d) => `${d.path || '(input)'}: ${d.message}`).join('; ') : error.message;
}
