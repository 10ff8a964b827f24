import { Link, useNavigate, useParams } from 'react-router';
import { describeError } from '../../api/errors';
import { useMe } from '../../app/auth';
import { Avatar } from './Avatar';
import { useDmWith, useProfile } from './people.queries';

const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** Someone's profile: initials, names, status, bio, presence or last seen, and "Message" (their direct message). */
export function UserProfilePage() {
  const { userId = '' } = useParams();
  const me = useMe();
  const profile = useProfile(userId);
  const dm = useDmWith([userId]);
  const navigate = useNavigate();
  if (profile.isPending) return <p className="notice" role="status">Loading profile…</p>;
  if (profile.isError) return <p className="notice notice--error" role="alert">{describeError(profile.error)}</p>;
  const p = profile.data;
  const presence = p.deactivated ? 'Deactivated' : p.online ? 'Online' : p.lastSeenAt ? `Last seen ${when.format(new Date(p.lastSeenAt))}` : 'Not seen yet';
  return (
    <section className="page profile-page" aria-labelledby="profile-name">
      <div className="profile-card">
        <Avatar id={p.id} name={p.displayName} size={72} />
        <div>
          <h1 id="profile-name">{p.displayName}</h1>
          <p className="person__user">@{p.username}</p>
          <p className="profile-card__presence" data-testid="presence">
            <span className={`presence-dot${p.online ? ' presence-dot--online' : ''}`} aria-hidden="true" /> {presence}
          </p>
        </div>
      </div>
      {p.statusText && <p className="profile-card__status">{p.statusText}</p>}
      {p.bio && <p className="profile-card__bio">{p.bio}</p>}
      <div className="profile-card__actions">
        {p.id === me.id ? (
          <Link className="btn" to="/profile">
            Edit your profile
          </Link>
        ) : (
          !p.deactivated && (
            <button type="button" className="btn btn--primary" onClick={() => navigate(dm ? `/rooms/${dm.id}` : `/dm/new?to=${encodeURIComponent(p.id)}`)}>
              Message
            </button>
          )
        )}
      </div>
    </section>
  );
}
