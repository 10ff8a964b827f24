import { Limits } from '@natter/contracts/browser';
import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { describeError } from '../../api/errors';
import { useRoomMutations } from '../../app/queries';

export function CreateRoom() {
  const [name, setName] = useState('');
  const [topic, setTopic] = useState('');
  const [visibility, setVisibility] = useState<'public' | 'private'>('public');
  const { create } = useRoomMutations();
  const navigate = useNavigate();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!name.trim()) return;
    create.mutate({ name: name.trim(), topic, visibility }, { onSuccess: (r) => navigate(`/rooms/${r.roomId}`) });
  };

  return (
    <section className="page" aria-labelledby="create-title">
      <h1 id="create-title">Create a room</h1>
      <form className="form" onSubmit={submit}>
        <label htmlFor="room-name">Room name</label>
        <input id="room-name" className="input" required maxLength={Limits.roomNameChars} value={name} onChange={(e) => setName(e.target.value)} />
        <label htmlFor="room-topic">Topic (optional)</label>
        <input id="room-topic" className="input" maxLength={Limits.roomTopicChars} value={topic} onChange={(e) => setTopic(e.target.value)} />
        <fieldset className="radio-group">
          <legend>Visibility</legend>
          <label>
            <input type="radio" name="visibility" value="public" checked={visibility === 'public'} onChange={() => setVisibility('public')} /> Public: anyone can find and join
          </label>
          <label>
            <input type="radio" name="visibility" value="private" checked={visibility === 'private'} onChange={() => setVisibility('private')} /> Private: members only
          </label>
        </fieldset>
        {create.isError && (
          <p className="form__error" role="alert">
            {describeError(create.error)}
          </p>
        )}
        <button type="submit" className="btn btn--primary" disabled={create.isPending}>
          {create.isPending ? 'Creating…' : 'Create room'}
        </button>
      </form>
    </section>
  );
}
