import { render, screen } from '@testing-library/react';
import type { EventEnvelope } from '@natter/contracts/browser';
import { describe, expect, it } from 'vitest';
import { Timelines, type TimelineItem } from '../../realtime';
import { memberEvent, messageEvent } from '../../realtime/testing';
import { changesRoomInfo, timelineItemOf } from './registry';
import type { RowContext } from './renderer';
import { peopleOf, TimelineRow } from './TimelineRow';

const names: Record<string, string> = { bob: 'Bob', carol: 'Carol' };
const ctx: RowContext = { me: { id: 'me', displayName: 'Me Myself' }, nameOf: (id) => names[id] ?? 'Unknown user' };
const env = (type: string, data: object): EventEnvelope => ({ id: `e-${type}`, type, v: 1, at: '2026-01-01T12:00:00.000Z', actor: null, data });
const leftEvent = (userId: string, reason: 'left' | 'removed') => env('MemberLeft', { roomId: 'r', userId, reason, removedBy: reason === 'removed' ? 'bob' : null });

/** The items a room's timeline holds after these events, through the app's mapping. */
function itemsOf(events: EventEnvelope[]): readonly TimelineItem[] {
  const t = new Timelines(timelineItemOf);
  events.forEach((e, i) => t.applyEvent('r', i + 1, e));
  return t.get('r').items;
}

function rows(items: readonly TimelineItem[]) {
  render(<ol>{items.map((item) => <TimelineRow key={item.seq} item={item} ctx={ctx} />)}</ol>);
}

describe('timeline renderers', () => {
  it('shows a message as a bubble and membership and room creation as system lines, in seq order', () => {
    rows(
      itemsOf([
        env('RoomCreated', { roomId: 'r', name: 'n', topic: '', visibility: 'public', createdBy: 'bob' }),
        memberEvent('r', 'bob', 'MemberJoined'),
        memberEvent('r', 'me', 'MemberJoined'),
        messageEvent('r', 'hello <b>there</b>', { senderId: 'bob' }),
        messageEvent('r', 'mine', { senderId: 'me' }),
        leftEvent('carol', 'left'),
        leftEvent('carol', 'removed'),
        leftEvent('me', 'removed'),
      ]),
    );
    expect(screen.getAllByTestId('timeline-event').map((li) => [li.dataset.seq, li.textContent])).toEqual([
      ['1', 'Bob created the room'],
      ['2', 'Bob joined'],
      ['3', 'You joined'],
      ['6', 'Carol left'],
      ['7', 'Carol was removed'],
      ['8', 'You were removed'],
    ]);
    const bubbles = screen.getAllByTestId('message');
    expect(bubbles.map((li) => [li.dataset.seq, li.querySelector('.message__author')?.textContent, li.querySelector('.message__text')?.textContent])).toEqual([
      ['4', 'Bob', 'hello <b>there</b>'],
      ['5', 'Me Myself', 'mine'],
    ]);
    expect(bubbles[1]).toHaveClass('message--mine');
    expect(bubbles[0].querySelector('b')).toBeNull();
  });

  it('keeps out of the timeline events that have no renderer, and names the people rows show', () => {
    const threadOnly = { ...messageEvent('r', 'in a thread', { senderId: 'bob' }), data: { roomId: 'r', messageId: 'm9', senderId: 'bob', clientMsgId: 'c9', text: 'in a thread', thread: { rootSeq: 3, rootSenderId: 'carol', alsoToRoom: false } } };
    const items = itemsOf([
      env('SessionRevoked', { userId: 'me', sessionId: 's', reason: 'logout' }),
      env('SomethingNew', { x: 1 }),
      messageEvent('r', 'hi', { senderId: 'carol' }),
      env('RoomCreated', { roomId: 'r', name: 'n', topic: '', visibility: 'public', createdBy: 'bob' }),
      threadOnly,
      env('ReactionAdded', { roomId: 'r', messageSeq: 3, userId: 'dave', emoji: 'tada' }),
    ]);
    // a thread-only reply and a reaction are not rows: the reply is its thread's, the reaction is on row 3
    expect(items.map((i) => [i.seq, i.kind])).toEqual([
      [3, 'message'],
      [4, 'event'],
    ]);
    expect(items[0]).toMatchObject({ replies: { count: 1, lastSeq: 5 }, reactions: [{ emoji: 'tada', userIds: ['dave'] }] });
    expect(peopleOf(items)).toEqual(['carol', 'dave', 'bob']);
  });

  it('shows the people and moderation events as system lines, with "you" where it is you', () => {
    const actor = (e: EventEnvelope, a: string) => ({ ...e, actor: a });
    rows(
      itemsOf([
        actor(env('RoomUpdated', { roomId: 'r', name: 'plans', topic: 'Q3' }), 'bob'),
        env('MemberRoleChanged', { roomId: 'r', userId: 'me', role: 'moderator', changedBy: 'bob' }),
        env('OwnershipTransferred', { roomId: 'r', from: 'bob', to: 'carol' }),
        env('MemberBanned', { roomId: 'r', userId: 'carol', bannedBy: 'me', wasMember: true, reason: 'spam' }),
        env('MemberUnbanned', { roomId: 'r', userId: 'carol', unbannedBy: 'bob' }),
        actor(env('RoomArchived', { roomId: 'r' }), 'me'),
        env('InviteCreated', { roomId: 'r', inviteId: 'i', createdBy: 'bob', expiresAt: '2030-01-01T00:00:00.000Z', maxUses: null }),
        env('MemberBanned', { roomId: 'r', userId: 'me', bannedBy: 'carol', wasMember: true, reason: '' }),
        actor(env('RoomDeleted', { roomId: 'r' }), 'bob'),
      ]),
    );
    expect(screen.getAllByTestId('timeline-event').map((li) => li.textContent)).toEqual([
      'Bob renamed the room to plans and set the topic: Q3',
      'Bob made you a moderator',
      'Bob handed the room to Carol',
      'Carol was banned by you: spam',
      'Bob lifted the ban on Carol',
      'You archived the room: it is read-only now',
      'Bob created an invite link',
      'You were banned by Carol',
      'Bob deleted the room',
    ]);
  });

  it('says which events change what the room views show (they are refreshed when one arrives)', () => {
    for (const t of ['MemberJoined', 'MemberBanned', 'RoomUpdated', 'RoomDeleted', 'InviteCreated', 'DirectMessageStarted']) expect(changesRoomInfo(t), t).toBe(true);
    for (const t of ['MessageSent', 'SessionRevoked', 'SomethingNew']) expect(changesRoomInfo(t), t).toBe(false);
  });
});
