import { parseEventSubject, type StoredEvent } from '@natter/contracts';
import type { ReadModelDB } from '@natter/infra/runtime';
import type { ChangeSet } from '../runtime/change-set';
import { pgJson } from '../runtime/pg-text';

/**
 * `audit_log`: every event except those on a room's `.msg` subject (messages are not administration), as the
 * admin panel's audit log: when, what (type and data), who (the envelope's actor), and the room and user it
 * concerns when its data names them (`roomId`; `userId`, else the new owner of a transfer).
 */
export function auditReducer(e: StoredEvent, out: ChangeSet<ReadModelDB>): void {
  const p = parseEventSubject(e.subject);
  if (p?.kind === 'room' && p.part === 'msg') return;
  const d = e.data as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  out.insert('audit_log', {
    seq: e.seq,
    at: e.at,
    type: e.type,
    actor_id: e.actor,
    room_id: str(d.roomId),
    user_id: str(d.userId) ?? str(d.to),
    data: pgJson(d) as Record<string, unknown>,
  });
}
