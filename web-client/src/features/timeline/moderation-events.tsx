import type { ShownEvent, TimelineRenderer } from './renderer';
import { SystemLine } from './SystemLine';
import { who, whom } from './room-settings-events';

export const memberRoleChanged: TimelineRenderer<ShownEvent<'MemberRoleChanged'>> = {
  roomInfo: true,
  people: (item) => [item.data.userId, item.data.changedBy],
  Row: ({ item, ctx }) => (
    <SystemLine seq={item.seq}>
      {who(ctx, item.data.changedBy)} made {whom(ctx, item.data.userId)} {item.data.role === 'member' ? 'a member' : `a ${item.data.role}`}
    </SystemLine>
  ),
};

export const ownershipTransferred: TimelineRenderer<ShownEvent<'OwnershipTransferred'>> = {
  roomInfo: true,
  people: (item) => [item.data.from, item.data.to],
  Row: ({ item, ctx }) => (
    <SystemLine seq={item.seq}>
      {who(ctx, item.data.from)} handed the room to {whom(ctx, item.data.to)}
    </SystemLine>
  ),
};

/** For the banned user, the last event of the room they receive. */
export const memberBanned: TimelineRenderer<ShownEvent<'MemberBanned'>> = {
  roomInfo: true,
  people: (item) => [item.data.userId, item.data.bannedBy],
  Row: ({ item, ctx }) => (
    <SystemLine seq={item.seq}>
      {item.data.userId === ctx.me.id ? 'You were' : `${who(ctx, item.data.userId)} was`} banned by {whom(ctx, item.data.bannedBy)}
      {item.data.reason && `: ${item.data.reason}`}
    </SystemLine>
  ),
};

export const memberUnbanned: TimelineRenderer<ShownEvent<'MemberUnbanned'>> = {
  roomInfo: true,
  people: (item) => [item.data.userId, item.data.unbannedBy],
  Row: ({ item, ctx }) => (
    <SystemLine seq={item.seq}>
      {who(ctx, item.data.unbannedBy)} lifted the ban on {whom(ctx, item.data.userId)}
    </SystemLine>
  ),
};

export const inviteCreated: TimelineRenderer<ShownEvent<'InviteCreated'>> = {
  roomInfo: true,
  people: (item) => [item.data.createdBy],
  Row: ({ item, ctx }) => <SystemLine seq={item.seq}>{who(ctx, item.data.createdBy)} created an invite link</SystemLine>,
};

export const inviteRevoked: TimelineRenderer<ShownEvent<'InviteRevoked'>> = {
  roomInfo: true,
  people: (item) => [item.data.revokedBy],
  Row: ({ item, ctx }) => <SystemLine seq={item.seq}>{who(ctx, item.data.revokedBy)} revoked an invite link</SystemLine>,
};
