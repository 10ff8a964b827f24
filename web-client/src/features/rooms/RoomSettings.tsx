import { Limits, type Room } from '@natter/contracts/browser';
import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { describeError } from '../../api/errors';
import { useRoomSettings } from '../../app/queries';
import { MessageSettings } from '../messages/MessageSettings';
import { InviteLinks } from './InviteLinks';
import { useRoomModeration } from './moderation.queries';

/** A room's settings for its owner and admins: name and topic, message settings, invite links, archive; delete for the owner. */
export function RoomSettings({ id, room, isOwner, onClose }: { id: string; room: Room; isOwner: boolean; onClose: () => void }) {
  const mod = useRoomModeration(room.id);
  const messageSettings = useRoomSettings(room.id);
  const navigate = useNavigate();
  const [name, setName] = useState(room.name);
  const [topic, setTopic] = useState(room.topic);
  const failure = [mod.update, mod.archive, mod.remove].find((m) => m.isError)?.error;
  const save = (e: FormEvent) => {
    e.preventDefault();
    mod.update.mutate({ name: name.trim(), topic });
  };
  return (
    <aside id={id} className="members settings" aria-labelledby={`${id}-title`}>
      <div className="members__head">
        <h2 id={`${id}-title`}>Room settings</h2>
        <button type="button" className="btn btn--ghost btn--small" onClick={onClose}>
          Close
        </button>
      </div>
      {failure ? <p className="notice notice--error" role="alert">{describeError(failure)}</p> : null}
      <form className="form" onSubmit={save}>
        <label htmlFor={`${id}-name`}>Room name</label>
        <input id={`${id}-name`} className="input" required maxLength={Limits.roomNameChars} value={name} onChange={(e) => setName(e.target.value)} disabled={room.archived} />
        <label htmlFor={`${id}-topic`}>Topic</label>
        <input id={`${id}-topic`} className="input" maxLength={Limits.roomTopicChars} value={topic} onChange={(e) => setTopic(e.target.value)} disabled={room.archived} />
        <button type="submit" className="btn btn--primary" disabled={room.archived || mod.update.isPending || !name.trim()}>
          Save
        </button>
        {mod.update.isSuccess && <p role="status">Saved.</p>}
      </form>
      {!room.archived && <MessageSettings id={`${id}-messages`} roomId={room.id} settings={messageSettings} />}
      {room.visibility === 'private' && !room.archived && <InviteLinks roomId={room.id} />}
      <h3 className="members__subhead">Archive</h3>
      <p className="settings__hint">{room.archived ? 'This room is read-only.' : 'An archived room stays readable; nobody can write in it.'}</p>
      <button type="button" className="btn" disabled={mod.archive.isPending} onClick={() => mod.archive.mutate(!room.archived)}>
        {room.archived ? 'Unarchive room' : 'Archive room'}
      </button>
      {isOwner && (
        <>
          <h3 className="members__subhead">Delete</h3>
          <button
            type="button"
            className="btn btn--danger"
            disabled={mod.remove.isPending}
            onClick={() => window.confirm(`Delete #${room.name} for everyone? This cannot be undone.`) && mod.remove.mutate(undefined, { onSuccess: () => navigate('/') })}
          >
            Delete room
          </button>
        </>
      )}
    </aside>
  );
}
