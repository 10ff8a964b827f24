import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router';
import { Api } from '../api/client';
import { ApiError } from '../api/errors';
import { Session } from '../api/session';
import { LoginPage, RegisterPage } from '../features/auth/AuthPages';
import { ForgotPasswordPage, ResetPasswordPage } from '../features/auth/PasswordResetPages';
import { VerifyEmailPage } from '../features/auth/VerifyEmailPage';
import { ProfilePage } from '../features/profile/ProfilePage';
import { BrowseRooms } from '../features/rooms/BrowseRooms';
import { CreateRoom } from '../features/rooms/CreateRoom';
import { RoomView } from '../features/rooms/RoomView';
import { AuthProvider, useAuth } from './auth';
import { Layout, Welcome } from './Layout';
import { AdminAudit } from '../features/admin/AdminAudit';
import { AdminPage } from '../features/admin/AdminPage';
import { AdminRooms } from '../features/admin/AdminRooms';
import { AdminSystem } from '../features/admin/AdminSystem';
import { AdminUsers } from '../features/admin/AdminUsers';
import { DirectoryPage } from '../features/people/DirectoryPage';
import { NewDirectMessage } from '../features/people/NewDirectMessage';
import { UserProfilePage } from '../features/people/UserProfilePage';
import { InvitePage } from '../features/rooms/InvitePage';
import { NotificationSettingsPage } from '../features/notifications/NotificationSettingsPage';
import { UnsubscribePage } from '../features/notifications/UnsubscribePage';
import { RealtimeProvider } from './realtime';
import type { SocketFactory } from '../realtime';

export function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        // Client errors will not change by asking again; network and 5xx may. A read model behind what this
        // client has seen (projection_lagging: it was asked for a minSeq) catches up: worth a few more tries.
        retry: (n, e) => (e instanceof ApiError && e.code === 'projection_lagging' ? n < 6 : !(e instanceof ApiError && e.status >= 400 && e.status < 500) && n < 2),
        networkMode: 'always',
      },
      mutations: { networkMode: 'always' },
    },
  });
}

function RequireAuth({ children, createSocket }: { children: ReactNode; createSocket?: SocketFactory }) {
  const { user } = useAuth();
  const location = useLocation();
  if (!user) return <Navigate to="/login" replace state={{ from: location.pathname }} />;
  return <RealtimeProvider createSocket={createSocket}>{children}</RealtimeProvider>;
}

/** Every route. `createSocket` is for tests (a fake WebSocket); the app uses the browser's. */
export function AppRoutes({ createSocket }: { createSocket?: SocketFactory }) {
  return (
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route path="/register" element={<RegisterPage />} />
      <Route path="/forgot-password" element={<ForgotPasswordPage />} />
      <Route path="/reset-password" element={<ResetPasswordPage />} />
      <Route path="/verify-email" element={<VerifyEmailPage />} />
      <Route path="/unsubscribe" element={<UnsubscribePage />} />
      <Route
        element={
          <RequireAuth createSocket={createSocket}>
            <Layout />
          </RequireAuth>
        }
      >
        <Route index element={<Welcome />} />
        <Route path="rooms/:roomId" element={<RoomView />} />
        <Route path="browse" element={<BrowseRooms />} />
        <Route path="new-room" element={<CreateRoom />} />
        <Route path="profile" element={<ProfilePage />} />
        <Route path="people" element={<DirectoryPage />} />
        <Route path="users/:userId" element={<UserProfilePage />} />
        <Route path="dm/new" element={<NewDirectMessage />} />
        <Route path="invite/:code" element={<InvitePage />} />
        <Route path="settings/notifications" element={<NotificationSettingsPage />} />
        <Route path="admin" element={<AdminPage />}>
          <Route index element={<Navigate to="users" replace />} />
          <Route path="users" element={<AdminUsers />} />
          <Route path="rooms" element={<AdminRooms />} />
          <Route path="audit" element={<AdminAudit />} />
          <Route path="system" element={<AdminSystem />} />
        </Route>
      </Route>
      <Route path="*" element={<Navigate to="/" replace />} />
    </Routes>
  );
}

/** Query cache and session, around any router (the app's BrowserRouter, a test's MemoryRouter). */
export function AppProviders({ session, api, queryClient, children }: { session: Session; api: Api; queryClient: QueryClient; children: ReactNode }) {
  return (
    <QueryClientProvider client={queryClient}>
      <AuthProvider session={session} api={api}>
        {children}
      </AuthProvider>
    </QueryClientProvider>
  );
}

export function App() {
  const [deps] = useState(() => {
    const session = new Session();
    return { session, api: new Api(session), queryClient: makeQueryClient() };
  });
  return (
    <AppProviders {...deps}>
      <BrowserRouter>
        <AppRoutes />
      </BrowserRouter>
    </AppProviders>
  );
}
