import { describe, expect, it } from 'vitest';
import type { NewEvent, StoredEvent } from '@natter/contracts';
import { decideBootstrapAdmin, decideGrantAdmin, decideRegistration, decideRevokeAdmin, registrationOpen, ServerAggregate, type ServerState } from './server.aggregate';

let seq = 0;
const apply = (s: ServerState, events: NewEvent[]) =>
  events.reduce((acc, e) => ServerAggregate.evolve(acc, { ...e, seq: ++seq, subject: 'ev.server', id: `e${seq}`, v: 1, at: '', actor: null } as StoredEvent), s);
const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return 'no error';
};

describe('server aggregate', () => {
  it('the first account becomes admin, later ones do not; named usernames always do and switch the first-user rule off', () => {
    const fresh = ServerAggregate.initial();
    const first = apply(fresh, decideBootstrapAdmin(fresh, 'u1', { named: false, anyNamed: false }));
    expect(first.admins).toEqual({ u1: true });
    expect(decideBootstrapAdmin(first, 'u2', { named: false, anyNamed: false })).toEqual([]);
    expect(decideBootstrapAdmin(fresh, 'u1', { named: false, anyNamed: true })).toEqual([]);
    expect(decideBootstrapAdmin(first, 'u3', { named: true, anyNamed: true })).toEqual([{ type: 'ServerAdminGranted', data: { userId: 'u3' } }]);
  });

  it('only admins grant, revoke and change registration; the last admin stays; closed registration still lets the first account in', () => {
    let s = apply(ServerAggregate.initial(), [{ type: 'ServerAdminGranted', data: { userId: 'a' } }]);
    expect(code(() => decideGrantAdmin(s, 'b', 'c', true))).toBe('forbidden');
    expect(code(() => decideGrantAdmin(s, 'a', 'c', false))).toBe('user_not_found');
    expect(code(() => decideRevokeAdmin(s, 'a', 'a'))).toBe('forbidden');
    s = apply(s, decideGrantAdmin(s, 'a', 'b', true));
    s = apply(s, decideRevokeAdmin(s, 'b', 'a'));
    expect(s.admins).toEqual({ b: true });
    expect(code(() => decideRegistration(s, 'a', false))).toBe('forbidden');
    s = apply(s, decideRegistration(s, 'b', false));
    expect(registrationOpen(s)).toBe(false);
    expect(registrationOpen(apply(ServerAggregate.initial(), [{ type: 'RegistrationChanged', data: { open: false } }]))).toBe(true);
  });
});
