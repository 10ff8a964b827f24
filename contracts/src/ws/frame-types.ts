/**
 * The names of every WebSocket frame type, one list per direction: the edge checks a client frame's `type`
 * against `ClientFrameTypes` before validating it, and the web client ignores a server frame whose type is not
 * in `ServerFrameTypes`. Kept apart from the schemas (frames.ts) because the browser entry imports no zod;
 * frames.ts fails to compile if a list and its union ever disagree, so a new frame is one schema + one name.
 */
export const ClientFrameTypes = ['resume', 'send', 'join', 'leave', 'ping', 'presence_subscribe', 'typing', 'edit', 'delete', 'react', 'unreact', 'pin', 'unpin', 'command'] as const;
export const ServerFrameTypes = ['hello', 'event', 'synced', 'truncated', 'reset', 'ack', 'error', 'pong', 'reconnect', 'presence', 'typing', 'user_event', 'user_truncated'] as const;

export type ClientFrameType = (typeof ClientFrameTypes)[number];
export type ServerFrameType = (typeof ServerFrameTypes)[number];

const clientTypes: ReadonlySet<string> = new Set(ClientFrameTypes);
const serverTypes: ReadonlySet<string> = new Set(ServerFrameTypes);
export const isClientFrameType = (t: unknown): t is ClientFrameType => typeof t === 'string' && clientTypes.has(t);
export const isServerFrameType = (t: unknown): t is ServerFrameType => typeof t === 'string' && serverTypes.has(t);
