import { describe, expect, it } from 'vitest';
import { concerns, membershipChange } from './membership';

describe('membershipChange', () => {
  it('MemberJoined starts, MemberLeft (left or removed) and MemberBanned stop that user, RoomDeleted stops everyone; nothing else changes delivery', () => {
    expect(membershipChange({ type: 'MemberJoined', data: { roomId: 'r', userId: 'u', role: 'member', addedBy: null } })).toEqual({ roomId: 'r', userId: 'u', change: 'start' });
    for (const reason of ['left', 'removed']) {
      expect(membershipChange({ type: 'MemberLeft', data: { roomId: 'r', userId: 'u', reason, removedBy: null } })).toEqual({ roomId: 'r', userId: 'u', change: 'stop' });
    }
    expect(membershipChange({ type: 'MemberBanned', data: { roomId: 'r', userId: 'u', bannedBy: 'm', wasMember: true, reason: '' } })).toEqual({ roomId: 'r', userId: 'u', change: 'stop' });
    expect(membershipChange({ type: 'RoomDeleted', data: { roomId: 'r' } })).toEqual({ roomId: 'r', userId: null, change: 'stop' });
    for (const type of ['RoomArchived', 'MemberRoleChanged', 'MemberUnbanned', 'DirectMessageStarted']) expect(membershipChange({ type, data: { roomId: 'r' } }), type).toBeNull();
    expect(membershipChange({ type: 'MessageSent', data: { roomId: 'r', senderId: 'u' } })).toBeNull();
    expect(membershipChange({ type: 'RoomCreated', data: { roomId: 'r', createdBy: 'u' } })).toBeNull();
    expect(membershipChange({ type: 'SomethingNew', data: {} })).toBeNull();
  });

  it('a change concerns the user it names, or everyone when it names nobody', () => {
    expect(concerns({ roomId: 'r', userId: 'u', change: 'stop' }, 'u')).toBe(true);
    expect(concerns({ roomId: 'r', userId: 'u', change: 'stop' }, 'v')).toBe(false);
    expect(concerns({ roomId: 'r', userId: null, change: 'stop' }, 'v')).toBe(true);
  });
});
