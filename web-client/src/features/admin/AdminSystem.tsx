import type { SystemStatus } from '@natter/contracts/browser';
import { describeError } from '../../api/errors';
import { useAuth } from '../../app/auth';
import { useAdminAction, useSystemStatus } from './admin.queries';

const bytes = (n: number) => (n < 1024 ? `${n} B` : n < 1024 ** 2 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1024 ** 2).toFixed(1)} MiB`);

/**
 * System status: every service instance's health, sockets per edge, projector lag, stream and bucket sizes,
 * registration, and the read-model rebuild with its progress (polled every second while it runs).
 */
export function AdminSystem() {
  const { api } = useAuth();
  const status = useSystemStatus();
  const rebuild = useAdminAction(() => api.rebuild());
  const registration = useAdminAction((open: boolean) => api.setRegistration(open));
  if (status.isPending) return <p role="status">Loading status…</p>;
  if (status.isError) return <p role="alert">{describeError(status.error)}</p>;
  const s = status.data;
  return (
    <div className="system">
      <h2>Services</h2>
      <table className="audit">
        <thead>
          <tr>
            <th scope="col">Service</th>
            <th scope="col">Instance</th>
            <th scope="col">Health</th>
            <th scope="col">Details</th>
          </tr>
        </thead>
        <tbody>
          {s.services.map((x) => (
            <tr key={`${x.service}/${x.instance}`} data-testid="service" data-service={x.service}>
              <td>{x.service}</td>
              <td>{x.instance}</td>
              <td>
                <span className={`badge${x.ok ? ' badge--ok' : ' badge--danger'}`}>{x.ok ? 'ok' : 'down'}</span>
              </td>
              <td>{summary(x)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Data</h2>
      <dl className="profile">
        <dt>Event stream</dt>
        <dd>
          {s.stream.name}: {s.stream.messages.toLocaleString()} events, {bytes(s.stream.bytes)}, last seq {s.stream.lastSeq}
        </dd>
        <dt>Read model</dt>
        <dd data-testid="projector-lag">
          {s.projection.schema} at seq {s.projection.checkpoint}: lag {s.projection.lag}
        </dd>
        <dt>Search index</dt>
        <dd data-testid="search-index" data-ready={s.search.ready}>
          {s.search.ready
            ? `Ready, at seq ${s.search.checkpoint}: lag ${s.search.lag}`
            : s.search.checkpoint === 0
              ? 'Not built yet: search answers "not ready" until the search projection has run.'
              : `Building from history: ${s.search.percent}% (seq ${s.search.checkpoint}, ${s.search.lag.toLocaleString()} events to go); search answers "not ready" meanwhile`}
        </dd>
        <dt>KV buckets</dt>
        <dd>
          <ul className="admin-sublist">
            {s.buckets.map((b) => (
              <li key={b.name}>
                {b.name}: {b.values.toLocaleString()} entries, {bytes(b.bytes)}
              </li>
            ))}
          </ul>
        </dd>
      </dl>
      <h2>Registration</h2>
      <p>{s.registrationOpen ? 'Anyone can register.' : 'Closed: registering needs an invite link.'}</p>
      <button type="button" className="btn" onClick={() => registration.mutate(!s.registrationOpen)}>
        {s.registrationOpen ? 'Close registration' : 'Open registration'}
      </button>
      <h2>Read models</h2>
      <Rebuild s={s} />
      <button type="button" className="btn btn--primary" disabled={s.rebuild.state === 'running' || rebuild.isPending} onClick={() => rebuild.mutate(undefined)}>
        Rebuild read models
      </button>
      {(rebuild.error ?? registration.error) && <p className="notice notice--error" role="alert">{describeError(rebuild.error ?? registration.error)}</p>}
    </div>
  );
}

function summary(x: SystemStatus['services'][number]): string {
  const d = x.details as Record<string, unknown>;
  if (x.service === 'realtime-edge') return `${d.connections ?? 0} sockets`;
  if (x.service === 'projectors') return `${d.role}, applied ${d.appliedSeq}, lag ${d.lag}`;
  return Object.entries(d)
    .filter(([, v]) => typeof v !== 'object')
    .map(([k, v]) => `${k}: ${v}`)
    .join(', ');
}

function Rebuild({ s }: { s: SystemStatus }) {
  const r = s.rebuild;
  if (r.state === 'idle') return <p>No rebuild since the projectors started.</p>;
  const pct = r.target > 0 ? Math.min(100, Math.round((r.seq / r.target) * 100)) : 0;
  return (
    <div className="rebuild" data-testid="rebuild" data-state={r.state}>
      <p>
        {r.state === 'running' ? `Rebuilding (${r.phase}): ${r.seq} of ${r.target}` : r.state === 'done' ? `Last rebuild done: ${r.schema} is live.` : `Last rebuild failed: ${r.error}`}
      </p>
      <progress max={100} value={r.state === 'done' ? 100 : pct} aria-label="Rebuild progress">
        {pct}%
      </progress>
    </div>
  );
}
