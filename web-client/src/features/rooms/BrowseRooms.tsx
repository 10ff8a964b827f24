import { useDeferredValue, useId, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { describeError } from '../../api/errors';
import { useMyRooms, usePublicRooms, useRoomMutations } from '../../app/queries';

/** Public rooms: search, open, join. */
export function BrowseRooms() {
  const [q, setQ] = useState('');
  const query = useDeferredValue(q.trim());
  const rooms = usePublicRooms(query);
  const myRooms = useMyRooms();
  const { join } = useRoomMutations();
  const navigate = useNavigate();
  const searchId = useId();
  const mine = new Set(myRooms.data?.map((r) => r.id));

  return (
    <section className="page" aria-labelledby="browse-title">
      <div className="page__head">
        <h1 id="browse-title">Public rooms</h1>
        <Link className="btn btn--primary" to="/new-room">
          Create room
        </Link>
      </div>
      <label htmlFor={searchId}>Search public rooms</label>
      <input id={searchId} type="search" className="input" value={q} onChange={(e) => setQ(e.target.value)} placeholder="Room name" />
      {rooms.isPending && <p role="status">Loading…</p>}
      {rooms.isError && <p role="alert">{describeError(rooms.error)}</p>}
      {join.isError && <p role="alert">{describeError(join.error)}</p>}
      {rooms.data && rooms.data.length === 0 && <p>No public rooms found.</p>}
      <ul className="card-list">
        {rooms.data?.map((r) => (
          <li key={r.id} className="card" data-testid="public-room">
            <div className="card__body">
              <h2 className="card__title">#{r.name}</h2>
              {r.topic && <p className="card__text">{r.topic}</p>}
              <p className="card__meta">
                {r.memberCount} {r.memberCount === 1 ? 'member' : 'members'}
              </p>
            </div>
            {mine.has(r.id) ? (
              <Link className="btn" to={`/rooms/${r.id}`} aria-label={`Open ${r.name}`}>
                Open
              </Link>
            ) : (
              <button
                type="button"
                className="btn btn--primary"
                aria-label={`Join ${r.name}`}
                disabled={join.isPending}
                onClick={() => join.mutate(r.id, { onSuccess: () => navigate(`/rooms/${r.id}`) })}
              >
                Join
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
