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
});
export type RegisterBody = z.infer<typeof RegisterBody>;

/** `login` is a username or an email, matched case-insensitively. */
export const LoginBody = z.strictObject({ login: Text({ min: 1, max: 254 }), password: Text({ min: 1, max: Limits.passwordMaxChars, trim: false, notBlank: false }) });
export type LoginBody = z.infer<typeof LoginBody>;

export const RefreshBody = z.strictObject({ refreshToken: Text({ min: 1, max: 512 }) });
export type RefreshBody = z.infer<typeof RefreshBody>;

/** Logout ends the session of the access token used; the body may be empty. */
export const LogoutBody = z.strictObject({});

export const UpdateProfileBody = z.strictObject({ displayName: DisplayName });
export type UpdateProfileBody = z.infer<typeof UpdateProfileBody>;

export const UserProfile = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  /** Present only when the caller is this user. */
  email: z.string().optional(),
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
