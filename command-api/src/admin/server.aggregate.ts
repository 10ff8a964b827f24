import { NatterError, type NewEvent, type StoredEvent } from '@natter/contracts';
import type { AggregateDef } from '../shared/aggregates';

/** The server aggregate (`ev.server`): who the server admins are and whether registration is open. */
export interface ServerState {
  readonly admins: Readonly<Record<string, true>>;
  /** Someone has been granted server admin at least once: the first-registration rule no longer applies. */
  readonly bootstrapped: boolean;
  readonly registrationOpen: boolean;
}

export const ServerAggregate: AggregateDef<ServerState> = {
  name: 'server',
  initial: () => ({ admins: {}, bootstrapped: false, registrationOpen: true }),
  evolve(s, e: StoredEvent): ServerState {
    switch (e.type) {
      case 'ServerAdminGranted':
        return { ...s, admins: { ...s.admins, [e.data.userId]: true }, bootstrapped: true };
      case 'ServerAdminRevoked': {
        const { [e.data.userId]: _gone, ...rest } = s.admins;
        return { ...s, admins: rest };
      }
      case 'RegistrationChanged':
        return { ...s, registrationOpen: e.data.open };
      default:
        return s;
    }
  },
};

export function assertServerAdmin(s: ServerState, actor: string): void {
  if (!s.admins[actor]) throw new NatterError('forbidden', 'Server admins only.');
}

/**
 * At registration: the user becomes a server admin when named at setup (NATTER_ADMIN_USERNAMES), or, when
 * nobody is named, as the first user to register (no admin was ever granted). Appended with actor null.
 */
export function decideBootstrapAdmin(s: ServerState, userId: string, c: { named: boolean; anyNamed: boolean }): NewEvent[] {
  if (s.admins[userId]) return [];
  if (c.named || (!c.anyNamed && !s.bootstrapped)) return [{ type: 'ServerAdminGranted', data: { userId } }];
  return [];
}

/** Registration is refused while closed, except for the very first account (someone must be able to start). */
export function registrationOpen(s: ServerState): boolean {
  return s.registrationOpen || !s.bootstrapped;
}

export function decideGrantAdmin(s: ServerState, actor: string, target: string, targetActive: boolean): NewEvent[] {
  assertServerAdmin(s, actor);
  if (!targetActive) throw new NatterError('user_not_found');
  return s.admins[target] ? [] : [{ type: 'ServerAdminGranted', data: { userId: target } }];
}

/** Never the last one: a server always has an admin. */
export function decideRevokeAdmin(s: ServerState, actor: string, target: string): NewEvent[] {
  assertServerAdmin(s, actor);
  if (!s.admins[target]) return [];
  if (Object.keys(s.admins).length === 1) throw new NatterError('forbidden', 'The last server admin cannot be removed.');
  return [{ type: 'ServerAdminRevoked', data: { userId: target } }];
}

export function decideRegistration(s: ServerState, actor: string, open: boolean): NewEvent[] {
  assertServerAdmin(s, actor);
  return s.registrationOpen === open ? [] : [{ type: 'RegistrationChanged', data: { open } }];
}
