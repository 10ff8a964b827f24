import { describe, expect, it } from 'vitest';
import { CurrentVersion, EventCatalog, EventData } from './catalog';
import { decodeEvent, encodeEvent } from './codec';
import { MessageEvents } from './message.events';
import { RoomEvents } from './room.events';
import { ServerEvents } from './server.events';
import { ReadStateEvents } from './read-state.events';
import { NotificationEvents } from './notification.events';
import { UserEvents } from './user.events';

describe('event catalog', () => {
  it('merges the context files without one type defined twice', () => {
    const files = [UserEvents, RoomEvents, MessageEvents, ServerEvents, ReadStateEvents, NotificationEvents].map((f) => Object.keys(f));
    const all = files.flat();
    expect(new Set(all).size).toBe(all.length);
    expect(Object.keys(EventCatalog).sort()).toEqual([...all].sort());
  });

  it('names a schema and a positive current version for every type', () => {
    for (const type of Object.keys(EventCatalog) as (keyof typeof EventCatalog)[]) {
      expect(EventData[type], type).toBe(EventCatalog[type].data);
      expect(CurrentVersion[type], type).toBeGreaterThan(0);
    }
  });

  it('round-trips an event through the stream envelope, with type and version headers', () => {
    const enc = encodeEvent({ type: 'MemberJoined', data: { roomId: 'r1', userId: 'u1', role: 'member', addedBy: null } }, 'u1');
    expect(enc.headers).toEqual({ 'Natter-Event-Type': 'MemberJoined', 'Natter-Event-Version': '1' });
    const e = decodeEvent(7, 'ev.room.r1.meta', enc.body);
    expect(e).toMatchObject({ seq: 7, type: 'MemberJoined', v: 1, actor: 'u1', data: { roomId: 'r1', userId: 'u1', role: 'member', addedBy: null } });
  });

  it('refuses an unknown type and data that does not match the schema', () => {
    const body = (type: string, data: unknown) => JSON.stringify({ id: 'x', type, v: 1, at: '2026-01-01T00:00:00.000Z', actor: null, data });
    expect(() => decodeEvent(1, 'ev.x', body('NoSuchEvent', {}))).toThrow(/unknown event type/);
    expect(() => decodeEvent(1, 'ev.x', body('MemberJoined', { roomId: 'r1' }))).toThrow();
  });
});
