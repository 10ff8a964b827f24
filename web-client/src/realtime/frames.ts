import { isServerFrameType, type ServerFrame } from '@natter/contracts/browser';

/**
 * Parse a server frame. The edge validates what it sends; this only guards the fields the client reads, and
 * drops types it does not know (contracts' ServerFrameTypes: the one list the edge's schemas are checked
 * against). An older edge may leave out `epoch` (hello, synced): accepted, the client then sends none.
 */
export function parseFrame(data: unknown): ServerFrame | null {
  if (typeof data !== 'string') return null;
  let f: unknown;
  try {
    f = JSON.parse(data);
  } catch {
    return null;
  }
  if (!f || typeof f !== 'object') return null;
  const o = f as Record<string, unknown>;
  if (!isServerFrameType(o.type)) return null;
  const str = (k: string) => typeof o[k] === 'string';
  const num = (k: string) => typeof o[k] === 'number';
  const optStr = (k: string) => o[k] === undefined || str(k);
  switch (o.type) {
    case 'event': {
      const e = o.event as Record<string, unknown> | null;
      if (!str('room') || !num('seq') || !e || typeof e.type !== 'string') return null;
      break;
    }
    case 'synced':
      if (!o.rooms || typeof o.rooms !== 'object' || !optStr('epoch') || !(o.user === undefined || num('user'))) return null;
      break;
    case 'user_event': {
      const e = o.event as Record<string, unknown> | null;
      if (!num('seq') || !e || typeof e.type !== 'string') return null;
      break;
    }
    case 'user_truncated':
      if (!num('after') || !num('upto')) return null;
      break;
    case 'truncated':
      if (!str('room') || !num('after') || !num('upto')) return null;
      break;
    case 'reset':
      if (!str('reason') || !str('epoch')) return null;
      break;
    case 'typing':
      if (!str('room') || !str('userId')) return null;
      break;
    case 'presence':
      if (!str('userId') || typeof o.online !== 'boolean') return null;
      break;
    case 'ack':
      if (!str('id')) return null;
      break;
    case 'hello':
      if (!str('userId') || !optStr('epoch')) return null;
      break;
    case 'error':
      if (!str('code') || !optStr('id')) return null;
      break;
  }
  return o as ServerFrame;
}
