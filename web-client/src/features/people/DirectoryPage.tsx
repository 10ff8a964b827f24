import { Limits } from '@natter/contracts/browser';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { PeoplePicker } from './PeoplePicker';

/**
 * The people page: find anyone on the server and open their profile, or pick up to seven people and start a
 * group message with them (its first message creates it).
 */
export function DirectoryPage() {
  const [picked, setPicked] = useState<{ id: string; name: string }[]>([]);
  const navigate = useNavigate();
  const full = picked.length >= Limits.dmMaxPeople - 1;
  const toggle = (id: string, name: string) => setPicked((p) => (p.some((x) => x.id === id) ? p.filter((x) => x.id !== id) : [...p, { id, name }]));
  return (
    <section className="page" aria-labelledby="people-title">
      <div className="page__head">
        <h1 id="people-title">People</h1>
      </div>
      {picked.length > 0 && (
        <div className="picked" role="region" aria-label="Group message">
          <span>With {picked.map((p) => p.name).join(', ')}</span>
          <button type="button" className="btn btn--small btn--primary" onClick={() => navigate(`/dm/new?to=${picked.map((p) => encodeURIComponent(p.id)).join(',')}`)}>
            Message {picked.length === 1 ? picked[0].name : `${picked.length} people`}
          </button>
        </div>
      )}
      <PeoplePicker
        label="Search people"
        autoFocus
        action={(p) => {
          const on = picked.some((x) => x.id === p.id);
          return (
            <span className="person__actions">
              <label className="person__pick">
                <input type="checkbox" checked={on} disabled={!on && full} onChange={() => toggle(p.id, p.displayName)} aria-label={`Pick ${p.displayName} for a group message`} />
                Pick
              </label>
              <Link className="btn btn--small" to={`/users/${p.id}`} aria-label={`Profile of ${p.displayName}`}>
                Profile
              </Link>
            </span>
          );
        }}
      />
    </section>
  );
}
