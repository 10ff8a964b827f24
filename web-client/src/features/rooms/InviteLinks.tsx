import { useState } from 'react';
import { describeError } from '../../api/errors';
import { useInvites, useRoomModeration } from './moderation.queries';

const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** Invite links of a private room: create one (its link is shown once), see uses and expiry, revoke. */
export function InviteLinks({ roomId }: { roomId: string }) {
  const invites = useInvites(roomId, true);
  const mod = useRoomModeration(roomId);
  const [hours, setHours] = useState(168);
  const [maxUses, setMaxUses] = useState('');
  const [link, setLink] = useState<string | null>(null);
  const create = () =>
    mod.createInvite.mutate(
      { expiresInHours: hours, maxUses: maxUses ? Number(maxUses) : null },
      { onSuccess: (r) => setLink(`${window.location.origin}/invite/${r.code}`) },
    );
  return (
    <section className="invites" aria-labelledby={`${roomId}-invites`}>
      <h3 id={`${roomId}-invites`} className="members__subhead">
        Invite links
      </h3>
      <div className="invites__form">
        <label>
          Expires in{' '}
          <select className="input input--small" value={hours} onChange={(e) => setHours(Number(e.target.value))}>
            <option value={1}>1 hour</option>
            <option value={24}>1 day</option>
            <option value={168}>7 days</option>
            <option value={720}>30 days</option>
          </select>
        </label>
        <label>
          Uses{' '}
          <select className="input input--small" value={maxUses} onChange={(e) => setMaxUses(e.target.value)}>
            <option value="">unlimited</option>
            <option value="1">1</option>
            <option value="5">5</option>
            <option value="25">25</option>
          </select>
        </label>
        <button type="button" className="btn btn--small btn--primary" onClick={create} disabled={mod.createInvite.isPending}>
          Create link
        </button>
      </div>
      {mod.createInvite.isError && <p role="alert">{describeError(mod.createInvite.error)}</p>}
      {link && (
        <p className="invites__new">
          Copy it now, it is shown only once:{' '}
          <input className="input" readOnly value={link} aria-label="New invite link" onFocus={(e) => e.target.select()} data-testid="invite-link" />
        </p>
      )}
      <ul className="invites__list">
        {invites.data?.map((i) => (
          <li key={i.id} data-testid="invite">
            <span>
              {i.revoked ? 'Revoked' : new Date(i.expiresAt) < new Date() ? 'Expired' : `Until ${when.format(new Date(i.expiresAt))}`} · {i.uses}
              {i.maxUses !== null ? ` of ${i.maxUses}` : ''} used
            </span>
            {!i.revoked && (
              <button type="button" className="btn btn--small" onClick={() => mod.revokeInvite.mutate(i.id)}>
                Revoke
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
