import type { Generated, Selectable } from 'kysely';

/** Command-side tables (infra/migrations/command/001_auth.sql). Never part of the event log. */
export interface CredentialsTable {
  user_id: string;
  password_hash: string;
  updated_at: Generated<Date>;
}

export interface SessionsTable {
  id: string;
  user_id: string;
  family_id: string;
  refresh_hash: string;
  created_at: Generated<Date>;
  expires_at: Date;
  replaced_by: string | null;
  revoked_at: Date | null;
}
export type SessionRow = Selectable<SessionsTable>;

export interface AuthDB {
  'auth.credentials': CredentialsTable;
  'auth.sessions': SessionsTable;
}
