import { roleAtLeast } from '@natter/contracts/browser';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError, describeError } from '../../api/errors';
import { useMe } from '../../app/auth';
import { useMembers, useMyRooms, useRoom, useRoomMutations } from '../../app/queries';
import { usePresence, useTimeline, useTyping } from '../../app/realtime';
import type { TimelineItem } from '../../realtime';
import { typingLine } from '../../realtime';
import { RoomMessages } from '../messages/RoomMessages';
import { dmName } from '../people/people.queries';
import { MembersPanel } from './MembersPanel';
import { RoomSettings } from './RoomSettings';
import { LeaveIcon, PeopleIcon, SettingsIcon } from '../../app/icons';

/**
 * A room: header (name, topic, members, settings for its owner and admins, leave), then messages and
 * composer; an archived room is read-only; non-members get a Join button. A direct message is named after
 * its people and has neither settings nor leave (fixed membership).
 */
export function RoomView() {
  const { roomId = '' } = useParams();
  const navigate = useNavigate();
  const me = useMe();
  const myRooms = useMyRooms();
  const mine = myRooms.data?.find((r) => r.id === roomId);
  const room = useRoom(roomId);
  const { join, leave } = useRoomMutations();
  const [panel, setPanel] = useState<'members' | 'settings' | null>(null);
  const showMembers = panel === 'members';
  const typers = useTyping(roomId);
  // Names for "X is typing…" come from the member list, fetched when the panel is open or someone types.
  const members = useMembers(roomId, showMembers || typers.length > 0);
  // Presence is for people who share a room with me: only in my rooms.
  const online = usePresence(showMembers && mine ? members.data?.map((m) => m.userId) : undefined);
  const typing = typingLine(typers.map((u) => members.data?.find((m) => m.userId === u)?.displayName ?? 'Someone'));
  const ended = howItEnded(useTimeline(roomId).items, me.id);

  const info = mine ?? room.data;
  if (!info) {
    if (room.isError && !mine) {
      return (
        <section className="room room--missing">
          <p role="alert">{room.error instanceof ApiError && room.error.status === 404 ? 'This room does not exist or is private.' : describeError(room.error)}</p>
          <Link to="/">Back to your rooms</Link>
        </section>
      );
    }
    return <p className="notice" role="status">Loading room…</p>;
  }
  const isMember = Boolean(mine);
  const isDm = info.kind === 'dm';
  const roomName = isDm && mine ? dmName(mine) : `${info.visibility === 'private' ? '' : '#'}${info.name}`;
  const canSettle = !isDm && roleAtLeast(mine?.role, 'admin');

  return (
    <section className="room" aria-labelledby="room-title">
      <header className="room__header">
        <Link to="/" className="room__back btn btn--ghost btn--small">
          <span aria-hidden="true">←</span>
          <span className="visually-hidden">Back to rooms</span>
        </Link>
        <div className="room__title">
          <h1 id="room-title">{roomName}</h1>
          {info.topic && <p className="room__topic">{info.topic}</p>}
        </div>
        <div className="room__actions">
          {info.archived && <span className="badge">archived</span>}
          <button
            type="button"
            className="btn btn--ghost btn--small"
            aria-label={`Members (${info.memberCount})`}
            aria-expanded={showMembers}
            aria-controls="members-panel"
            onClick={() => setPanel(showMembers ? null : 'members')}
          >
            <PeopleIcon />
            <span className="btn__label">Members</span> {info.memberCount}
          </button>
          {canSettle && (
            <button type="button" className="btn btn--ghost btn--small" aria-label="Room settings" aria-expanded={panel === 'settings'} aria-controls="settings-panel" onClick={() => setPanel(panel === 'settings' ? null : 'settings')}>
              <SettingsIcon />
              <span className="btn__label">Settings</span>
            </button>
          )}
          {isMember && !isDm && mine?.role !== 'owner' && (
            <button
              type="button"
              className="btn btn--ghost btn--small"
              disabled={leave.isPending}
              aria-label="Leave room"
              onClick={() => leave.mutate(roomId, { onSuccess: () => navigate('/') })}
            >
              <LeaveIcon />
              <span className="btn__label">Leave room</span>
            </button>
          )}
        </div>
      </header>
      {leave.isError && <p className="notice notice--error" role="alert">{describeError(leave.error)}</p>}
      <div className="room__body">
        <div className="room__main">
          {isMember ? (
            <RoomMessages key={roomId} roomId={roomId} roomName={roomName} typing={typing} readOnly={info.archived} />
          ) : (
            <div className="room__join">
              {ended && (
                <p className="notice notice--error" role="status">
                  {ended}
                </p>
              )}
              <p>You are not a member of this room.</p>
              {info.visibility === 'public' && !info.archived && (
                <button type="button" className="btn btn--primary" disabled={join.isPending} onClick={() => join.mutate(roomId)}>
                  Join room
                </button>
              )}
              {join.isError && <p role="alert">{describeError(join.error)}</p>}
            </div>
          )}
        </div>
        {showMembers && (
          <MembersPanel
            id="members-panel"
            roomId={roomId}
            members={members.data}
            loading={members.isPending}
            error={members.error}
            online={online}
            myRole={mine?.role}
            me={me.id}
            fixed={isDm}
            onClose={() => setPanel(null)}
          />
        )}
        {panel === 'settings' && canSettle && <RoomSettings id="settings-panel" room={info} isOwner={mine?.role === 'owner'} onClose={() => setPanel(null)} />}
      </div>
    </section>
  );
}

/** Why I am out of a room I was in, from the last event this device holds of it (a ban or a removal). */
function howItEnded(items: readonly TimelineItem[], me: string): string | null {
  const last = items.at(-1);
  if (!last) return null;
  if (last.kind === 'event' && last.type === 'MemberBanned' && (last.data as { userId?: string }).userId === me) return 'You were banned from this room.';
  if (last.kind === 'member' && last.change === 'removed' && last.userId === me) return 'You were removed from this room.';
  if (last.kind === 'event' && last.type === 'RoomDeleted') return 'This room was deleted.';
  return null;
}
