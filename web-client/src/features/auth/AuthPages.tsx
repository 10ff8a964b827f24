import type { ReactNode } from 'react';
import { Link, Navigate, useLocation } from 'react-router';
import { useAuth } from '../../app/auth';
import { LoginForm } from './LoginForm';
import { RegisterForm } from './RegisterForm';

function AuthShell({ title, children, footer }: { title: string; children: ReactNode; footer: ReactNode }) {
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
    <AuthShell title="Log in" footer={<>New here? <Link to="/register">Create an account</Link></>}>
      <LoginForm onSubmit={async (login, password) => signIn(await api.login({ login, password }))} />
    </AuthShell>
  );
}

export function RegisterPage() {
  const { api, signIn, user } = useAuth();
  if (user) return <Navigate to="/" replace />;
  return (
    <AuthShell title="Create your account" footer={<>Already have an account? <Link to="/login">Log in</Link></>}>
      <RegisterForm onSubmit={async (body) => signIn(await api.register(body))} />
    </AuthShell>
  );
}
