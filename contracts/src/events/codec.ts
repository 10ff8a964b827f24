import { z } from 'zod';
import { newId } from '../ids';
import { CurrentVersion, EventCatalog, EventData, type EventType, type NewEvent, type StoredEvent } from './catalog';
import { EventEnvelope, EventHeaders } from './envelope';
import type { EventDefinition } from './event-definition';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function isEventType(t: string): t is EventType {
  return Object.prototype.hasOwnProperty.call(EventCatalog, t);
}

/** Serialise a decided event into the stream's envelope, with the headers operators filter on. */
export function encodeEvent(e: NewEvent, actor: string | null, at = new Date()): {
  body: Uint8Array;
  headers: Record<string, string>;
  envelope: EventEnvelope;
} {
  const v = CurrentVersion[e.type];
  const envelope: EventEnvelope = { id: newId(), type: e.type, v, at: at.toISOString(), actor, data: e.data };
  return {
    body: encoder.encode(JSON.stringify(envelope)),
    headers: { [EventHeaders.type]: e.type, [EventHeaders.version]: String(v) },
    envelope,
  };
}

/**
 * One stored event as read from the stream, before decoding: its position (the stream sequence), its exact
 * `ev.*` subject and its body. Projectors, the edge and the replay tool all read these.
 */
export interface RawEvent {
  seq: number;
  subject: string;
  data: Uint8Array;
}

/**
 * Decode a stored event, upcast it to the current version and validate its data. Throws on a body that is
 * not a Natter event: callers on the read path log and skip such a message rather than stop.
 */
export function decodeEvent(seq: number, subject: string, body: Uint8Array | string): StoredEvent {
  const raw = typeof body === 'string' ? body : decoder.decode(body);
  const env = EventEnvelope.parse(JSON.parse(raw));
  if (!isEventType(env.type)) throw new Error(`unknown event type ${env.type} at seq ${seq}`);
  let data = env.data;
  let v = env.v;
  const steps = (EventCatalog[env.type] as EventDefinition).upcast ?? {};
  while (v < CurrentVersion[env.type]) {
    const step = steps[v];
    if (!step) throw new Error(`no upcaster for ${env.type} v${v}`);
    data = step(data);
    v++;
  }
  const schema = EventData[env.type] as z.ZodType;
  return { seq, subject, id: env.id, type: env.type, v, at: env.at, actor: env.actor, data: schema.parse(data) } as StoredEvent;
}

/** The wire form of an event in WS frames and replay tools: the envelope at its current version. */
export function toEnvelope(e: StoredEvent): EventEnvelope {
  return { id: e.id, type: e.type, v: e.v, at: e.at, actor: e.actor, data: e.data };
}
