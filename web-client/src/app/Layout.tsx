import { Link, NavLink, Outlet, useMatch } from 'react-router';
import { NotificationBell } from '../features/notifications/NotificationBell';
import { DmList } from '../features/people/DmList';
import { useMeProfile } from '../features/people/people.queries';
import { RoomList } from '../features/rooms/RoomList';
import { useAuth, useMe } from './auth';
import { ConnectionBanner } from './ConnectionBanner';
import { useConnectionStatus } from './realtime';

const STATUS_TEXT = { idle: 'Starting', connecting: 'Connecting', syncing: 'Syncing', online: 'Online', offline: 'Offline', stopped: 'Disconnected' };

/** App shell: top bar, room sidebar, the routed page. On a phone the sidebar is the home page. */
export function Layout() {
  const me = useMe();
  const { logout } = useAuth();
  const status = useConnectionStatus();
  const inPage = useMatch('/') === null;
  // The admin entry for server admins only (the route and the API refuse everyone else anyway).
  const serverAdmin = useMeProfile().data?.serverAdmin === true;

  return (
    <div className={`shell${inPage ? ' shell--in-page' : ''}`}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link to="/" className="topbar__brand">
          <img src="/icons/icon.svg" alt="" width={28} height={28} />
          <span>Natter</span>
        </Link>
        <span className={`status-dot status-dot--${status}`} data-testid="connection-status" data-status={status} title={STATUS_TEXT[status]}>
          <span className="visually-hidden">Connection: {STATUS_TEXT[status]}</span>
        </span>
        <nav className="topbar__nav" aria-label="Account">
          <NotificationBell />
          {serverAdmin && (
            <NavLink to="/admin" className="topbar__link topbar__link--fixed">
              Admin
            </NavLink>
          )}
          <NavLink to="/profile" className="topbar__link">
            {me.displayName}
          </NavLink>
          <button type="button" className="btn btn--ghost btn--small" onClick={() => void logout()}>
            Log out
          </button>
        </nav>
      </header>
      <ConnectionBanner />
      <div className="shell__body">
        <nav className="sidebar" aria-label="Rooms">
          <div className="sidebar__head">
            <h2>Rooms</h2>
            <div className="sidebar__actions">
              <Link to="/browse" className="btn btn--ghost btn--small">
                Browse
              </Link>
              <Link to="/new-room" className="btn btn--primary btn--small">
                New room
              </Link>
            </div>
          </div>
          <RoomList />
          <div className="sidebar__head">
            <h2>Direct messages</h2>
            <div className="sidebar__actions">
              <Link to="/people" className="btn btn--ghost btn--small" aria-label="Find people">
                People
              </Link>
            </div>
          </div>
          <DmList />
        </nav>
        <main id="main" className="main" tabIndex={-1}>
          <Outlet />
        </main>
      </div>
    </div>
  );
}

export function Welcome() {
  return (
    <section className="welcome">
      <h1>Welcome to Natter</h1>
      <p>Pick a room on the left, browse public rooms, or create a new one.</p>
    </section>
  );
}
