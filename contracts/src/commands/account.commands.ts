import { z } from 'zod';
import {
  AuthTokens, ChangeEmailBody, ChangeEmailResult, CompletePasswordResetBody, EmailVerifiedResult, LoginBody, MailQueuedResult, PasswordResetResult,
  RefreshBody, RegisterBody, RequestPasswordResetBody, UpdateProfileBody, UserProfile, VerifyEmailBody,
} from '../api/auth';
import type { CommandDefinitions } from './command-definition';

export const LogoutResult = z.object({ ok: z.literal(true), seq: z.number().int() });
export type LogoutResult = z.infer<typeof LogoutResult>;
export const UpdateProfileResult = z.object({ user: UserProfile, seq: z.number().int() });
export type UpdateProfileResult = z.infer<typeof UpdateProfileResult>;

/** Accounts: registration, sessions, profile (events on `ev.user.<userId>`). */
export const AccountCommands = {
  Register: {
    input: RegisterBody, result: AuthTokens, auth: 'none', nats: false,
    http: { method: 'post', path: '/api/auth/register', body: RegisterBody, status: 201 },
    summary: 'Create an account and sign in', resultDescription: 'Registered and signed in.', errors: ['username_taken', 'email_taken', 'rate_limited'],
  },
  /** Throttled per address and per account+address (command-api's login-throttle.ts), before the password is looked at. */
  Login: {
    input: LoginBody, result: AuthTokens, auth: 'none', nats: false,
    http: { method: 'post', path: '/api/auth/login', body: LoginBody, status: 200 },
    summary: 'Sign in with username or email',
    description: 'Throttled per client address (all attempts) and per account+address (wrong passwords: after 5, that address waits 1 s, 2 s, 4 s … up to 15 min). Another address, the owner\'s, is not slowed. A 429 carries Retry-After.',
    resultDescription: 'Signed in.', errors: ['invalid_credentials', 'user_deactivated', 'rate_limited'],
  },
  Refresh: {
    input: RefreshBody, result: AuthTokens, auth: 'none', nats: false,
    http: { method: 'post', path: '/api/auth/refresh', body: RefreshBody, status: 200 },
    summary: 'Rotate a refresh token', description: 'The old refresh token stops working; presenting it again revokes the whole session family.',
    resultDescription: 'New tokens.', errors: ['invalid_refresh_token', 'user_deactivated', 'rate_limited'],
  },
  Logout: {
    input: z.strictObject({}), result: LogoutResult, auth: 'bearer', nats: false,
    http: { method: 'post', path: '/api/auth/logout', status: 200 },
    summary: 'End the session of this access token', resultDescription: 'Session revoked (SessionRevoked appended at `seq`).', errors: [],
  },
  UpdateProfile: {
    input: UpdateProfileBody, result: UpdateProfileResult, auth: 'bearer', nats: true,
    http: { method: 'patch', path: '/api/me', body: UpdateProfileBody, status: 200 },
    summary: 'Update your profile', resultDescription: 'Profile updated.', errors: ['conflict'],
  },

  // ---- email links (issue 13): docs/architecture.md "Email, password reset and verification"
  RequestPasswordReset: {
    input: RequestPasswordResetBody, result: MailQueuedResult, auth: 'none', nats: false,
    http: { method: 'post', path: '/api/auth/password-reset/request', body: RequestPasswordResetBody, status: 202 },
    summary: 'Mail a password reset link',
    description: 'By username or email. The answer is the same whether or not the account exists; a mail goes out only if it does. The link works once, for an hour. Limited per client address and per login.',
    resultDescription: 'Accepted.', errors: ['rate_limited'],
  },
  CompletePasswordReset: {
    input: CompletePasswordResetBody, result: PasswordResetResult, auth: 'none', nats: false,
    http: { method: 'post', path: '/api/auth/password-reset', body: CompletePasswordResetBody, status: 200 },
    summary: 'Set a new password with a reset link',
    description: 'Ends every session of the account (SessionRevoked each) and appends PasswordReset (via email). Sign in with the new password afterwards.',
    resultDescription: 'Password changed.', errors: ['link_invalid', 'link_expired', 'link_used', 'user_deactivated', 'rate_limited'],
  },
  VerifyEmail: {
    input: VerifyEmailBody, result: EmailVerifiedResult, auth: 'none', nats: false,
    http: { method: 'post', path: '/api/auth/verify-email', body: VerifyEmailBody, status: 200 },
    summary: 'Confirm an email address with its verification link', resultDescription: 'Verified (EmailVerified appended at `seq`).',
    errors: ['link_invalid', 'link_expired', 'link_used', 'rate_limited'],
  },
  ResendVerification: {
    input: z.strictObject({}), result: MailQueuedResult, auth: 'bearer', nats: true,
    http: { method: 'post', path: '/api/me/email/verification', status: 202 },
    summary: 'Mail a new verification link to your address', resultDescription: 'Accepted (nothing is sent when already verified).', errors: ['rate_limited'],
  },
  ChangeEmail: {
    input: ChangeEmailBody, result: ChangeEmailResult, auth: 'bearer', nats: true,
    http: { method: 'post', path: '/api/me/email', body: ChangeEmailBody, status: 200 },
    summary: 'Change your email address',
    description: 'Needs your current password. The new address is unverified until its verification link (mailed to it) is opened.',
    resultDescription: 'Address changed (EmailChanged appended at `seq`).', errors: ['invalid_credentials', 'email_taken', 'rate_limited'],
  },
} as const satisfies CommandDefinitions;
