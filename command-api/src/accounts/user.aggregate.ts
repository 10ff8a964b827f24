import type { StoredEvent, UserProfile } from '@natter/contracts';
import type { AggregateDef } from '../shared/aggregates';

/** A user's aggregate: the events on `ev.user.<id>`. Sessions are command-side rows, not state here. */
export interface UserState {
  readonly exists: boolean;
  readonly userId: string;
  readonly username: string;
  readonly displayName: string;
  readonly email: string;
  /** The current address was confirmed through its verification link (EmailVerified naming it). */
  readonly emailVerified: boolean;
  readonly bio: string;
  readonly statusText: string;
  readonly deactivated: boolean;
}

export const UserAggregate: AggregateDef<UserState> = {
  name: 'user',
  initial: () => ({ exists: false, userId: '', username: '', displayName: '', email: '', emailVerified: false, bio: '', statusText: '', deactivated: false }),
  evolve(s, e: StoredEvent): UserState {
    switch (e.type) {
      case 'UserRegistered':
        return { ...s, exists: true, userId: e.data.userId, username: e.data.username, displayName: e.data.displayName, email: e.data.email };
      case 'ProfileUpdated':
        return { ...s, displayName: e.data.displayName ?? s.displayName, bio: e.data.bio ?? s.bio, statusText: e.data.statusText ?? s.statusText };
      case 'EmailChanged':
        return { ...s, email: e.data.email, emailVerified: false };
      case 'EmailVerified':
        // A verification of an address replaced since confirms nothing about the current one.
        return e.data.email === s.email ? { ...s, emailVerified: true } : s;
      case 'UserDeactivated':
        return { ...s, deactivated: true };
      case 'UserReactivated':
        return { ...s, deactivated: false };
      default:
        return s;
    }
  },
};

/** An existing account that is not deactivated. */
export const isActive = (s: UserState) => s.exists && !s.deactivated;

/** The profile as its owner sees it (with email). */
export function ownProfile(s: UserState): UserProfile {
  return { id: s.userId, username: s.username, displayName: s.displayName, bio: s.bio, statusText: s.statusText, email: s.email, emailVerified: s.emailVerified };
}
