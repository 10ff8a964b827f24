import { z } from 'zod';
import { AdminUserResult, RebuildStatus, ResetPasswordBody, ServerSettingsBody, ServerSettingsResult } from '../api/admin';
import { Id } from '../ids';
import type { CommandDefinitions } from './command-definition';

const UserInput = z.strictObject({ userId: Id });

/**
 * Server administration: server admins only (403 forbidden for everyone else, checked against the server
 * aggregate `ev.server` on every command, never a token claim, so a demotion takes effect at once).
 */
export const AdminCommands = {
  DeactivateUser: {
    input: UserInput, result: AdminUserResult, auth: 'bearer', nats: true,
    http: { method: 'post', path: '/api/admin/users/:userId/deactivate', status: 200 },
    summary: 'Deactivate an account (server admin)', description: 'Every session ends and every socket of the user closes (4103) on every edge within a second; the user cannot sign in until reactivated.',
    resultDescription: 'Deactivated (or already: nothing appended).', errors: ['forbidden', 'user_not_found', 'conflict'],
  },
  ReactivateUser: {
    input: UserInput, result: AdminUserResult, auth: 'bearer', nats: true,
    http: { method: 'post', path: '/api/admin/users/:userId/reactivate', status: 200 },
    summary: 'Reactivate an account (server admin)', resultDescription: 'Reactivated: the user may sign in again (old sessions stay ended).', errors: ['forbidden', 'user_not_found', 'conflict'],
  },
  ForceLogout: {
    input: UserInput, result: AdminUserResult, auth: 'bearer', nats: true,
    http: { method: 'post', path: '/api/admin/users/:userId/logout', status: 200 },
    summary: "End every session of a user (server admin)", resultDescription: 'Sessions revoked (SessionRevoked, reason admin, per session); their sockets close with 4102.', errors: ['forbidden', 'user_not_found', 'conflict'],
  },
  ResetPassword: {
    input: ResetPasswordBody.extend({ userId: Id }), result: AdminUserResult, auth: 'bearer', nats: true,
    http: { method: 'post', path: '/api/admin/users/:userId/password', body: ResetPasswordBody, status: 200 },
    summary: "Set a user's password (server admin)", description: 'Every session of the user ends too. The password and its hash never enter the event log (PasswordReset says only that it happened).',
    resultDescription: 'Password set.', errors: ['forbidden', 'user_not_found', 'conflict'],
  },
  GrantServerAdmin: {
    input: UserInput, result: AdminUserResult, auth: 'bearer', nats: true,
    http: { method: 'post', path: '/api/admin/users/:userId/admin', status: 200 },
    summary: 'Make a user a server admin (server admin)', resultDescription: 'Granted (or already: nothing appended).', errors: ['forbidden', 'user_not_found', 'conflict'],
  },
  RevokeServerAdmin: {
    input: UserInput, result: AdminUserResult, auth: 'bearer', nats: true,
    http: { method: 'delete', path: '/api/admin/users/:userId/admin', status: 200 },
    summary: 'Take server admin away (server admin; never the last one)', resultDescription: 'Revoked (or was not one: nothing appended).', errors: ['forbidden', 'user_not_found', 'conflict'],
  },
  UpdateServerSettings: {
    input: ServerSettingsBody, result: ServerSettingsResult, auth: 'bearer', nats: true,
    http: { method: 'patch', path: '/api/admin/settings', body: ServerSettingsBody, status: 200 },
    summary: 'Open or close registration (server admin)', description: 'Closed: registering needs an invite code (an invite link of any room).',
    resultDescription: 'Settings as they are now.', errors: ['forbidden', 'conflict'],
  },
  RebuildReadModel: {
    input: z.strictObject({}), result: RebuildStatus, auth: 'bearer', nats: true,
    http: { method: 'post', path: '/api/admin/read-model/rebuild', status: 202 },
    summary: 'Rebuild the read models from the event stream (server admin)',
    description: 'A projectors instance replays the stream into a new schema while the old one serves, verifies it against the live one (same version), and switches. Progress: `rebuild` in GET /api/admin/status. One at a time (409 conflict while one runs).',
    resultDescription: 'Started; the status as it is now.', errors: ['forbidden', 'conflict', 'unavailable'],
  },
} as const satisfies CommandDefinitions;
