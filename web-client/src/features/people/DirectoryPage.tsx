import { Link } from 'react-router';
import { PeoplePicker } from './PeoplePicker';

/** The people page: find anyone on the server and open their profile. */
export function DirectoryPage() {
  return (
    <section className="page" aria-labelledby="people-title">
      <div className="page__head">
        <h1 id="people-title">People</h1>
      </div>
      <PeoplePicker
        label="Search people"
        autoFocus
        action={(p) => (
          <Link className="btn btn--small" to={`/users/${p.id}`} aria-label={`Profile of ${p.displayName}`}>
            Profile
          </Link>
        )}
      />
    </section>
  );
}
