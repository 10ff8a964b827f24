import type { DirectoryEntry } from '@natter/contracts/browser';
import { useDeferredValue, useId, useState, type ReactNode } from 'react';
import { describeError } from '../../api/errors';
import { Avatar } from './Avatar';
import { useDirectory } from './people.queries';

/**
 * Search the directory and act on a person: `action` renders the control for each result (Add, Message, a
 * link). Used by the people page and the members panel's "Add people".
 */
export function PeoplePicker({ label, action, exclude = [], autoFocus }: { label: string; action: (p: DirectoryEntry) => ReactNode; exclude?: readonly string[]; autoFocus?: boolean }) {
  const [q, setQ] = useState('');
  const query = useDeferredValue(q.trim());
  const people = useDirectory(query, query.length > 0);
  const id = useId();
  const shown = (people.data ?? []).filter((p) => !exclude.includes(p.id));
  return (
    <div className="picker">
      <label htmlFor={id}>{label}</label>
      <input id={id} type="search" className="input" value={q} onChange={(e) => setQ(e.target.value)} placeholder="Name or username" autoFocus={autoFocus} autoComplete="off" />
      {people.isError && <p role="alert">{describeError(people.error)}</p>}
      {query && people.data && shown.length === 0 && <p className="picker__empty">Nobody found.</p>}
      <ul className="people-list" aria-label="Search results">
        {shown.map((p) => (
          <li key={p.id} className="person" data-testid="person">
            <Avatar id={p.id} name={p.displayName} />
            <span className="person__names">
              <span className="person__name">{p.displayName}</span>
              <span className="person__user">@{p.username}</span>
              {p.statusText && <span className="person__status">{p.statusText}</span>}
            </span>
            {action(p)}
          </li>
        ))}
      </ul>
    </div>
  );
}
