import { z } from 'zod';
import { Limits } from '../limits';
import { Text } from '../text';
import { Password } from './auth';

/** What an admin command on a user answers: the user and the seq of the last event it appended (0: none). */
export const AdminUserResult = z.object({ userId: z.string(), seq: z.number().int() });
export type AdminUserResult = z.infer<typeof AdminUserResult>;

export const ResetPasswordBody = z.strictObject({ password: Password });
export const ServerSettingsBody = z.strictObject({ registrationOpen: z.boolean() });
export const ServerSettingsResult = z.object({ registrationOpen: z.boolean(), seq: z.number().int() });

export const AdminUser = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  email: z.string(),
  /** The address was confirmed through its verification link (issue 13). */
  emailVerified: z.boolean(),
  deactivated: z.boolean(),
  serverAdmin: z.boolean(),
  registeredAt: z.string(),
});
export type AdminUser = z.infer<typeof AdminUser>;

export const AdminUsersQuery = z.strictObject({
  q: Text({ max: 64 }).default(''),
  limit: z.coerce.number().int().min(1).max(Limits.directoryPageMax).default(Limits.directoryPageMax),
  minSeq: z.coerce.number().int().nonnegative().optional(),
});

export const UserSession = z.object({
  id: z.string(),
  startedAt: z.string(),
  revokedAt: z.string().nullable(),
  revokeReason: z.string().nullable(),
});
export type UserSession = z.infer<typeof UserSession>;

export const AdminRoomsQuery = z.strictObject({
  q: Text({ max: 80 }).default(''),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  minSeq: z.coerce.number().int().nonnegative().optional(),
});

/** The audit log (every event but messages, from the stream), newest first, paged by `before`. */
export const AuditQuery = z.strictObject({
  type: z.string().regex(/^[A-Za-z]{1,64}$/, 'must be an event type').optional(),
  actor: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a user id').optional(),
  room: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a room id').optional(),
  user: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a user id').optional(),
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(Limits.auditPageMax).default(50),
  minSeq: z.coerce.number().int().nonnegative().optional(),
});
export type AuditQuery = z.infer<typeof AuditQuery>;

export const AuditEntry = z.object({
  seq: z.number().int(),
  at: z.string(),
  type: z.string(),
  actorId: z.string().nullable(),
  actorName: z.string().nullable(),
  roomId: z.string().nullable(),
  roomName: z.string().nullable(),
  /** The user the event concerns (its data's `userId`, or a transfer's new owner), and their name. */
  userId: z.string().nullable(),
  userName: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

/** A read-model rebuild run by a projectors instance (replay into a new schema, verify, swap). */
export const RebuildStatus = z.object({
  state: z.enum(['idle', 'running', 'done', 'failed']),
  phase: z.enum(['replaying', 'catching_up', 'verifying', 'swapping', 'finished']).nullable(),
  /** Stream sequence applied to the new schema so far, and the one it is catching up to. */
  seq: z.number().int(),
  target: z.number().int(),
  schema: z.string().nullable(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  error: z.string().nullable(),
});
export type RebuildStatus = z.infer<typeof RebuildStatus>;

/** One service instance's answer on `natter.status`. */
export const ServiceStatus = z.object({
  service: z.enum(['command-api', 'query-api', 'projectors', 'realtime-edge']),
  instance: z.string(),
  ok: z.boolean(),
  /** Service-specific figures: sockets for an edge, role/appliedSeq/rebuild for projectors, ... */
  details: z.record(z.string(), z.unknown()),
});
export type ServiceStatus = z.infer<typeof ServiceStatus>;

export const SystemStatus = z.object({
  services: z.array(ServiceStatus),
  stream: z.object({ name: z.string(), messages: z.number().int(), bytes: z.number().int(), lastSeq: z.number().int() }),
  buckets: z.array(z.object({ name: z.string(), values: z.number().int(), bytes: z.number().int() })),
  projection: z.object({ schema: z.string(), checkpoint: z.number().int(), lag: z.number().int() }),
  registrationOpen: z.boolean(),
  rebuild: RebuildStatus,
  asOf: z.string(),
});
export type SystemStatus = z.infer<typeof SystemStatus>;
