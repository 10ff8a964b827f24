import type { RegisterBody } from '@natter/contracts/browser';
import { Limits } from '@natter/contracts/browser';
import { useState, type FormEvent } from 'react';
import { ApiError, describeError } from '../../api/errors';

type Field = keyof RegisterBody;

/** Checks that mirror the contracts schemas, so most mistakes are caught before a round trip. */
export function validateRegister(v: RegisterBody): Partial<Record<Field, string>> {
  const errors: Partial<Record<Field, string>> = {};
  if (!/^[A-Za-z0-9_]{3,32}$/.test(v.username)) errors.username = 'Use 3-32 letters, digits or _.';
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v.email)) errors.email = 'Enter a valid email address.';
  if (!v.displayName.trim() || v.displayName.trim().length > Limits.displayNameChars) errors.displayName = `Use 1-${Limits.displayNameChars} characters.`;
  if (v.password.length < Limits.passwordMinChars) errors.password = `Use at least ${Limits.passwordMinChars} characters.`;
  return errors;
}

export function RegisterForm({ onSubmit }: { onSubmit: (body: RegisterBody) => Promise<void> }) {
  const [v, setV] = useState<RegisterBody>({ username: '', email: '', displayName: '', password: '' });
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const found = validateRegister(v);
    setErrors(found);
    setError(null);
    if (Object.keys(found).length) return;
    setBusy(true);
    try {
      await onSubmit({ ...v, displayName: v.displayName.trim() });
    } catch (err) {
      if (err instanceof ApiError && err.code === 'username_taken') setErrors({ username: describeError(err) });
      else if (err instanceof ApiError && err.code === 'email_taken') setErrors({ email: describeError(err) });
      else setError(describeError(err));
      setBusy(false);
    }
  };

  const field = (name: Field, label: string, type: string, autoComplete: string) => (
    <>
      <label htmlFor={`reg-${name}`}>{label}</label>
      <input
        id={`reg-${name}`}
        className="input"
        type={type}
        autoComplete={autoComplete}
        value={v[name]}
        onChange={(e) => setV({ ...v, [name]: e.target.value })}
        aria-invalid={errors[name] ? true : undefined}
        aria-describedby={errors[name] ? `reg-${name}-error` : undefined}
      />
      {errors[name] && (
        <p id={`reg-${name}-error`} className="form__field-error">
          {errors[name]}
        </p>
      )}
    </>
  );

  return (
    <form className="form" onSubmit={submit} noValidate>
      {field('username', 'Username', 'text', 'username')}
      {field('email', 'Email', 'email', 'email')}
      {field('displayName', 'Display name', 'text', 'nickname')}
      {field('password', 'Password', 'password', 'new-password')}
      {error && (
        <p className="form__error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" className="btn btn--primary" disabled={busy}>
        {busy ? 'Creating account…' : 'Create account'}
      </button>
    </form>
  );
}
