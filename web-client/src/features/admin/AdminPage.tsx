import { NavLink, Outlet } from 'react-router';
import { describeError } from '../../api/errors';
import { useMeProfile } from '../people/people.queries';

/**
 * The admin panel, for server admins only: the API refuses everyone else (403) whatever the client shows,
 * and this page says so rather than showing empty tables.
 */
export function AdminPage() {
  const me = useMeProfile();
  if (me.isPending) return <p className="notice" role="status">Loading…</p>;
  if (me.isError) return <p className="notice notice--error" role="alert">{describeError(me.error)}</p>;
  if (!me.data.serverAdmin) {
    return (
      <section className="page" aria-labelledby="admin-title">
        <h1 id="admin-title">Admin</h1>
        <p role="alert" data-testid="admin-refused">
          Only server admins can open the admin panel.
        </p>
      </section>
    );
  }
  return (
    <section className="page admin" aria-labelledby="admin-title">
      <div className="page__head">
        <h1 id="admin-title">Admin</h1>
      </div>
      <nav className="tabs" aria-label="Admin sections">
        {(['users', 'rooms', 'audit', 'system'] as const).map((t) => (
          <NavLink key={t} to={`/admin/${t}`} className={({ isActive }) => `tabs__tab${isActive ? ' tabs__tab--active' : ''}`}>
            {{ users: 'Users', rooms: 'Rooms', audit: 'Audit log', system: 'System' }[t]}
          </NavLink>
        ))}
      </nav>
      <Outlet />
    </section>
  );
}
