import { z } from 'zod';
import { Limits } from '../limits';
import { Text } from '../text';

export const Username = z
  .string()
  .regex(/^[A-Za-z0-9_]{3,32}$/, 'must be 3-32 characters of letters, digits and _');
export const Email = z.email().max(254);
/** Any printable text, spaces included and kept (NIST 800-63B); control characters are refused. */
export const Password = Text({ min: Limits.passwordMinChars, max: Limits.passwordMaxChars, trim: false, notBlank: false });
export const DisplayName = Text({ min: 1, max: Limits.displayNameChars });

export const RegisterBody = z.strictObject({
  username: Username,
  email: Email,
  password: Password,
  displayName: DisplayName,
  /** An invite link's code: needed while registration is closed; the new account joins its room. */
  inviteCode: z.string().regex(/^[A-Za-z0-9_-]{20,64}$/, 'must be an invite code').optional(),
});
export type RegisterBody = z.infer<typeof RegisterBody>;

/** `login` is a username or an email, matched case-insensitively. */
export const LoginBody = z.strictObject({ login: Text({ min: 1, max: 254 }), password: Text({ min: 1, max: Limits.passwordMaxChars, trim: false, notBlank: false }) });
export type LoginBody = z.infer<typeof LoginBody>;

export const RefreshBody = z.strictObject({ refreshToken: Text({ min: 1, max: 512 }) });
export type RefreshBody = z.infer<typeof RefreshBody>;

/** Logout ends the session of the access token used; the body may be empty. */
export const LogoutBody = z.strictObject({});

export const Bio = Text({ max: Limits.bioChars, multiline: true });
export const StatusText = Text({ max: Limits.statusTextChars });

/** The fields sent change; at least one. An empty bio or status text clears it. */
export const UpdateProfileBody = z
  .strictObject({ displayName: DisplayName.optional(), bio: Bio.optional(), statusText: StatusText.optional() })
  .refine((b) => b.displayName !== undefined || b.bio !== undefined || b.statusText !== undefined, 'send at least one of displayName, bio, statusText');
export type UpdateProfileBody = z.infer<typeof UpdateProfileBody>;

export const UserProfile = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  bio: z.string(),
  statusText: z.string(),
  /** The picture's version (GET /api/users/{id}/avatar), changing with it; null or absent: none (show initials). */
  avatar: z.string().nullable().optional(),
  /** Present only when the caller is this user. */
  email: z.string().optional(),
  /** Present only when the caller is this user: the address was confirmed through its verification link. */
  emailVerified: z.boolean().optional(),
  /** Present only on your own profile (GET /api/me): you are a server admin (the admin panel is yours). */
  serverAdmin: z.boolean().optional(),
});
export type UserProfile = z.infer<typeof UserProfile>;

export const AuthTokens = z.object({
  accessToken: z.string(),
  accessTokenExpiresAt: z.string(),
  refreshToken: z.string(),
  refreshTokenExpiresAt: z.string(),
  user: UserProfile,
  /** Stream sequence of the last event this call appended (0 if none), for `minSeq` reads. */
  seq: z.number().int(),
});
export type AuthTokens = z.infer<typeof AuthTokens>;

/** Claims of the EdDSA access token. `sid` names the refresh session, so revoking it reaches the edge. */
export const AccessClaims = z.object({ sub: z.string(), sid: z.string(), usr: z.string(), adm: z.boolean().optional() });
export type AccessClaims = z.infer<typeof AccessClaims>;

// ---- email links (issue 13) ------------------------------------------------------------------------------

/** A link token from a mail: 32 random bytes, base64url (43 characters). Anything else is `link_invalid`. */
export const LinkToken = z.string().max(128);

/** Ask for a reset link by username or email; the answer is the same whether the account exists. */
export const RequestPasswordResetBody = z.strictObject({ login: Text({ min: 1, max: 254 }) });
export type RequestPasswordResetBody = z.infer<typeof RequestPasswordResetBody>;

export const CompletePasswordResetBody = z.strictObject({ token: LinkToken, password: Password });
export type CompletePasswordResetBody = z.infer<typeof CompletePasswordResetBody>;

export const VerifyEmailBody = z.strictObject({ token: LinkToken });
export type VerifyEmailBody = z.infer<typeof VerifyEmailBody>;

/** A new address; the current password proves it is the owner at the keyboard. */
export const ChangeEmailBody = z.strictObject({ email: Email, password: Text({ min: 1, max: Limits.passwordMaxChars, trim: false, notBlank: false }) });
export type ChangeEmailBody = z.infer<typeof ChangeEmailBody>;

/** Accepted: a mail is on its way if there is anyone to send it to (the answer never says). */
export const MailQueuedResult = z.object({ ok: z.literal(true) });
export type MailQueuedResult = z.infer<typeof MailQueuedResult>;

export const PasswordResetResult = z.object({ ok: z.literal(true), seq: z.number().int() });
export type PasswordResetResult = z.infer<typeof PasswordResetResult>;

export const EmailVerifiedResult = z.object({ ok: z.literal(true), email: z.string(), seq: z.number().int() });
export type EmailVerifiedResult = z.infer<typeof EmailVerifiedResult>;

export const ChangeEmailResult = z.object({ user: UserProfile, seq: z.number().int() });
export type ChangeEmailResult = z.infer<typeof ChangeEmailResult>;
