import { RoomFilesProvider } from '../files/room-files';
import { roleAtLeast, type MyRoom, type Room } from '@natter/contracts/browser';
import type { ReactNode } from 'react';
import { useEffect, useMemo, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { ApiError, describeError } from '../../api/errors';
import { useMe } from '../../app/auth';
import { useMembers, useMyRooms, useRoom, useRoomMutations, useUserNames } from '../../app/queries';
import { usePresence, useRealtime, useTimeline, useTyping } from '../../app/realtime';
import type { TimelineItem } from '../../realtime';
import { typingLine } from '../../realtime';
import { EditHistoryDialog } from '../messages/EditHistoryDialog';
import { useMessageControls } from '../messages/message-controls';
import { PinnedPanel } from '../messages/PinnedPanel';
import { RoomMessages } from '../messages/RoomMessages';
import { ThreadPane } from '../messages/ThreadPane';
import { dmName } from '../people/people.queries';
import { peopleOf } from '../timeline/TimelineRow';
import { MembersPanel } from './MembersPanel';
import { roomName as nameOf } from './room-name';
import { RoomSettings } from './RoomSettings';
import { LeaveIcon, PeopleIcon, PinIcon, SettingsIcon } from '../../app/icons';

type Panel = 'members' | 'pins' | 'settings' | null;

/**
 * A room: header (name, topic, members, pins, settings for its owner and admins, leave), then messages and
 * composer; an archived room is read-only; non-members get a Join button (and why they are out, if they were
 * in). A direct message is named after its people and has neither settings nor leave (fixed membership).
 */
export function RoomView() {
  const { roomId = '' } = useParams();
  const me = useMe();
  const myRooms = useMyRooms();
  const mine = myRooms.data?.find((r) => r.id === roomId);
  const room = useRoom(roomId);
  const { join } = useRoomMutations();
  const [showMembers, setShowMembers] = useState(false);
  // A public room's members are visible before joining (fetched when the panel opens).
  const members = useMembers(roomId, showMembers && !mine);
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
  const roomName = info.kind === 'dm' && mine ? dmName(mine) : nameOf(info.name, info.visibility);
  if (mine) return <MemberRoom key={roomId} room={mine} roomName={roomName} />;
  return (
    <section className="room" aria-labelledby="room-title">
      <RoomHeader info={info} roomName={roomName}>
        <button type="button" className="btn btn--ghost btn--small" aria-label={`Members (${info.memberCount})`} aria-expanded={showMembers} aria-controls="members-panel" onClick={() => setShowMembers((v) => !v)}>
          <PeopleIcon />
          <span className="btn__label">Members</span> {info.memberCount}
        </button>
      </RoomHeader>
      <div className="room__body">
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
        {showMembers && (
          <MembersPanel id="members-panel" roomId={roomId} members={members.data} loading={members.isPending} error={members.error} me={me.id} onClose={() => setShowMembers(false)} />
        )}
      </div>
    </section>
  );
}

function RoomHeader({ info, roomName, children }: { info: Room; roomName: string; children?: ReactNode }) {
  return (
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
        {children}
      </div>
    </header>
  );
}

/** The room of a member: messages, and beside them one panel at a time (members, pins, settings, a thread). */
function MemberRoom({ room, roomName }: { room: MyRoom; roomName: string }) {
  const roomId = room.id;
  const navigate = useNavigate();
  const me = useMe();
  const { leave } = useRoomMutations();
  const { client } = useRealtime();
  const [panel, setPanel] = useState<Panel>(null);
  // A search result in a thread opens the room with `?thread=<root seq>`: that thread is open beside it.
  const [params] = useSearchParams();
  const [thread, setThread] = useState<number | null>(() => Number(params.get('thread')) || null);
  const linkedThread = Number(params.get('thread')) || null;
  useEffect(() => {
    if (linkedThread !== null) setThread(linkedThread);
  }, [linkedThread]);
  const [historySeq, setHistorySeq] = useState<number | null>(null);
  const typers = useTyping(roomId);
  const members = useMembers(roomId);
  const online = usePresence(panel === 'members' ? members.data?.map((m) => m.userId) : undefined);
  const typing = typingLine(typers.map((u) => members.data?.find((m) => m.userId === u)?.displayName ?? 'Someone'));
  const timeline = useTimeline(roomId);
  const people = useMemo(() => peopleOf(timeline.items), [timeline.items]);
  const nameOf = useUserNames(roomId, people);
  const candidates = useMemo(() => (members.data ?? []).map((m) => ({ username: m.username, displayName: m.displayName })), [members.data]);
  const { controls, notice, dismiss, say } = useMessageControls(roomId, {
    openThread: (seq) => {
      setThread(seq);
      setPanel(null);
    },
    openHistory: setHistorySeq,
  });
  // A mention of someone who is not in the room: they were not notified; say so.
  useEffect(
    () =>
      client.onSendResult((r, result) => {
        if (r === roomId && result.notInRoom?.length) say(`${result.notInRoom.map((u) => `@${u.username}`).join(', ')} ${result.notInRoom.length === 1 ? 'is' : 'are'} not in this room and will not be notified.`);
      }),
    [client, roomId, say],
  );
  const toggle = (p: Exclude<Panel, null>) => {
    setPanel((cur) => (cur === p ? null : p));
    setThread(null);
  };
  const isDm = room.kind === 'dm';
  const manages = !isDm && roleAtLeast(room.role, 'admin');

  return (
    <RoomFilesProvider roomId={roomId}>
    <section className="room" aria-labelledby="room-title">
      <RoomHeader info={room} roomName={roomName}>
        <button type="button" className="btn btn--ghost btn--small" aria-label={`Members (${room.memberCount})`} aria-expanded={panel === 'members'} aria-controls="members-panel" onClick={() => toggle('members')}>
          <PeopleIcon />
          <span className="btn__label">Members</span> {room.memberCount}
        </button>
        <button type="button" className="btn btn--ghost btn--small" aria-label="Pinned messages" aria-expanded={panel === 'pins'} aria-controls="pins-panel" onClick={() => toggle('pins')}>
          <PinIcon />
          <span className="btn__label">Pinned</span>
        </button>
        {manages && (
          <button type="button" className="btn btn--ghost btn--small" aria-label="Room settings" aria-expanded={panel === 'settings'} aria-controls="settings-panel" onClick={() => toggle('settings')}>
            <SettingsIcon />
            <span className="btn__label">Settings</span>
          </button>
        )}
        {!isDm && room.role !== 'owner' && (
          <button type="button" className="btn btn--ghost btn--small" disabled={leave.isPending} aria-label="Leave room" onClick={() => leave.mutate(roomId, { onSuccess: () => navigate('/') })}>
            <LeaveIcon />
            <span className="btn__label">Leave room</span>
          </button>
        )}
      </RoomHeader>
      {leave.isError && <p className="notice notice--error" role="alert">{describeError(leave.error)}</p>}
      <div className="room__body">
        <div className="room__main">
          <RoomMessages
            key={roomId}
            roomId={roomId}
            roomName={roomName}
            typing={typing}
            readOnly={room.archived}
            controls={controls}
            nameOf={nameOf}
            members={candidates}
            notice={notice}
            onDismissNotice={dismiss}
          />
        </div>
        {thread !== null && <ThreadPane key={thread} roomId={roomId} rootSeq={thread} controls={controls} nameOf={nameOf} members={candidates} onClose={() => setThread(null)} />}
        {panel === 'members' && (
          <MembersPanel
            id="members-panel"
            roomId={roomId}
            members={members.data}
            loading={members.isPending}
            error={members.error}
            online={online}
            myRole={room.role}
            me={me.id}
            fixed={isDm}
            onClose={() => setPanel(null)}
          />
        )}
        {panel === 'pins' && <PinnedPanel id="pins-panel" roomId={roomId} controls={controls} nameOf={nameOf} onClose={() => setPanel(null)} />}
        {panel === 'settings' && manages && <RoomSettings id="settings-panel" room={room} isOwner={room.role === 'owner'} onClose={() => setPanel(null)} />}
      </div>
      {historySeq !== null && <EditHistoryDialog roomId={roomId} seq={historySeq} onClose={() => setHistorySeq(null)} />}
    </section>
    </RoomFilesProvider>
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
