import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError, describeError } from '../../api/errors';
import { useMembers, useMyRooms, useRoom, useRoomMutations } from '../../app/queries';
import { usePresence, useTyping } from '../../app/realtime';
import { typingLine } from '../../realtime';
import { RoomMessages } from '../messages/RoomMessages';
import { MembersPanel } from './MembersPanel';
import { LeaveIcon, PeopleIcon } from '../../app/icons';

/** A room: header (name, topic, members, leave), then messages and composer; non-members get a Join button. */
export function RoomView() {
  const { roomId = '' } = useParams();
  const navigate = useNavigate();
  const myRooms = useMyRooms();
  const mine = myRooms.data?.find((r) => r.id === roomId);
  const room = useRoom(roomId);
  const { join, leave } = useRoomMutations();
  const [showMembers, setShowMembers] = useState(false);
  const typers = useTyping(roomId);
  // Names for "X is typing…" come from the member list, fetched when the panel is open or someone types.
  const members = useMembers(roomId, showMembers || typers.length > 0);
  const online = usePresence(showMembers ? members.data?.map((m) => m.userId) : undefined);
  const typing = typingLine(typers.map((u) => members.data?.find((m) => m.userId === u)?.displayName ?? 'Someone'));

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
  const roomName = `${info.visibility === 'private' ? '' : '#'}${info.name}`;

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
          <button
            type="button"
            className="btn btn--ghost btn--small"
            aria-label={`Members (${info.memberCount})`}
            aria-expanded={showMembers}
            aria-controls="members-panel"
            onClick={() => setShowMembers((v) => !v)}
          >
            <PeopleIcon />
            <span className="btn__label">Members</span> {info.memberCount}
          </button>
          {isMember && (
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
            <RoomMessages key={roomId} roomId={roomId} roomName={roomName} typing={typing} />
          ) : (
            <div className="room__join">
              <p>You are not a member of this room.</p>
              {info.visibility === 'public' && (
                <button type="button" className="btn btn--primary" disabled={join.isPending} onClick={() => join.mutate(roomId)}>
                  Join room
                </button>
              )}
              {join.isError && <p role="alert">{describeError(join.error)}</p>}
            </div>
          )}
        </div>
        {showMembers && <MembersPanel id="members-panel" members={members.data} loading={members.isPending} error={members.error} online={online} onClose={() => setShowMembers(false)} />}
      </div>
    </section>
  );
}
