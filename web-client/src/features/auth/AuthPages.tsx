import type { ReactNode } from 'react';
import { Link, Navigate, useLocation } from 'react-router';
import { useAuth } from '../../app/auth';
import { LoginForm } from './LoginForm';
import { RegisterForm } from './RegisterForm';

export function AuthShell({ title, children, footer }: { title: string; children: ReactNode; footer: ReactNode }) {
  return (
    <main className="auth">
      <div className="auth__card">
        <div className="auth__brand">
          <img src="/icons/icon.svg" alt="" width={40} height={40} />
          <span>Natter</span>
        </div>
        <h1>{title}</h1>
        {children}
        <p className="auth__footer">{footer}</p>
      </div>
    </main>
  );
}

export function LoginPage() {
  const { api, signIn, user } = useAuth();
  const from = (useLocation().state as { from?: string } | null)?.from ?? '/';
  if (user) return <Navigate to={from} replace />;
  return (
    <AuthShell title="Log in" footer={<>New here? <Link to="/register" state={{ from }}>Create an account</Link></>}>
      <LoginForm onSubmit={async (login, password) => signIn(await api.login({ login, password }))} />
      <p className="auth__aside">
        <Link to="/forgot-password">Forgot your password?</Link>
      </p>
    </AuthShell>
  );
}

/**
 * Registration. Coming from an invite link (`/invite/<code>`, signed out), the code goes with it: on a server
 * with closed registration it is what lets you in, and it brings you into the room either way.
 */
export function RegisterPage() {
  const { api, signIn, user } = useAuth();
  const from = (useLocation().state as { from?: string } | null)?.from ?? '/';
  const inviteCode = /^\/invite\/([A-Za-z0-9_-]{20,64})$/.exec(from)?.[1];
  if (user) return <Navigate to={inviteCode ? '/' : from} replace />;
  return (
    <AuthShell title="Create your account" footer={<>Already have an account? <Link to="/login" state={{ from }}>Log in</Link></>}>
      {inviteCode && <p className="notice">You were invited: your account joins the room.</p>}
      <RegisterForm onSubmit={async (body) => signIn(await api.register({ ...body, ...(inviteCode ? { inviteCode } : {}) }))} />
    </AuthShell>
  );
}
