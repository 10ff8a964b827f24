import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReadModelDB } from '@natter/infra/runtime';
import type { Kysely } from 'kysely';
import { applyBatch, chatProjection } from '../src/index';
import { dump, ev, rawEvents, silent, startReadModelDb, type Ev } from './fixtures';

/** The people read model (read-model v2): directory terms, moderation, invites, sessions, admins, audit. */
let env: Awaited<ReturnType<typeof startReadModelDb>>;
let db: Kysely<ReadModelDB>;
beforeAll(async () => {
  env = await startReadModelDb('people');
  db = env.db;
});
afterAll(() => env?.stop());

const at = new Date('2026-01-02T03:04:05.000Z');
const raw = (events: readonly Ev[]) => rawEvents(events, 1, 'u1', at);

describe('the people read model', () => {
  it('folds profiles, directory terms, roles, bans, invites, archive, deletion, sessions, admins and the audit log', async () => {
    const history: Ev[] = [
      ev.register('u1', 'Zoë_Admin'), // 1
      ev.register('u2', 'bob'), // 2
      ev.profile('u2', 'Élodie Martin-Dupont'), // 3: the display name (as a phrase and its words) becomes the directory terms
      ev.profile('u2', 'Élodie'), // 4: fewer words: the stale ones go
      ev.bio('u2', 'likes chess', 'away'), // 5
      ev.room('r1', 'general', 'u1'), // 6
      ev.join('r1', 'u1', 'owner'), // 7
      ev.join('r1', 'u2'), // 8
      ev.role('r1', 'u2', 'moderator'), // 9
      ev.invite('r1', 'i1'), // 10
      ev.register('u3', 'carol'), // 11
      ev.joinByInvite('r1', 'u3', 'i1'), // 12
      ev.ban('r1', 'u3', true), // 13
      ev.ban('r1', 'u4', false), // 14: someone never in the room
      ev.revokeInvite('r1', 'i1'), // 15
      ev.archive('r1', true), // 16
      ev.session('u2', 'sa'), // 17
      ev.endSession('u2', 'sa'), // 18
      ev.grantAdmin('u1'), // 19
      ev.registration(false), // 20
      ev.msg('r1', 'u1', 1), // 21: not audited
      ev.room('r2', 'doomed', 'u1'), // 22
      ev.deleteRoom('r2'), // 23
      ev.dm('d1', ['u1', 'u2']), // 24
    ];
    await applyBatch(db, 'people', chatProjection, raw(history), silent);
    const d = await dump(db, 'people');
    expect(d.users.map((u) => [u.id, u.display_name, u.bio, u.status_text, u.server_admin])).toEqual([
      ['u1', 'Zoë_Admin', '', '', true],
      ['u2', 'Élodie', 'likes chess', 'away', false],
      ['u3', 'carol', '', '', false],
    ]);
    expect(d.user_search_terms.map((t) => [t.user_id, t.slot, t.term])).toEqual([
      ['u1', 0, 'zoe_admin'],
      ['u1', 1, 'zoe admin'],
      ['u1', 2, 'zoe'],
      ['u1', 3, 'admin'],
      ['u2', 0, 'bob'],
      ['u2', 1, 'elodie'],
      ['u3', 0, 'carol'],
      ['u3', 1, 'carol'],
    ]);
    expect(d.rooms.map((r) => [r.id, r.kind, r.member_count, r.archived, r.deleted])).toEqual([
      ['d1', 'dm', 0, false, false],
      ['r1', 'room', 2, true, false],
      ['r2', 'room', 0, false, true],
    ]);
    expect(d.room_members.map((m) => [m.room_id, m.user_id, m.role])).toEqual([
      ['r1', 'u1', 'owner'],
      ['r1', 'u2', 'moderator'],
    ]);
    expect(d.room_bans.map((b) => [b.user_id, b.banned_seq, b.reason])).toEqual([
      ['u3', 13, 'spam'],
      ['u4', 14, 'spam'],
    ]);
    expect(d.room_invites).toMatchObject([{ id: 'i1', uses: 1, max_uses: 5, revoked: true }]);
    expect(d.user_sessions).toEqual([{ id: 'sa', user_id: 'u2', started_at: at, revoked_at: at, revoke_reason: 'admin' }]);
    expect(d.server_settings).toEqual([{ id: 'server', registration_open: false }]);
    expect(d.audit_log.map((a) => a.seq)).toEqual(history.map((_, i) => i + 1).filter((s) => s !== 21));
    expect(d.audit_log.find((a) => a.seq === 13)).toMatchObject({ type: 'MemberBanned', actor_id: 'u1', room_id: 'r1', user_id: 'u3', data: { wasMember: true, reason: 'spam' } });
  });
});
