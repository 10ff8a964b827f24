/**
 * `@natter/infra/runtime`: the library every service imports at run time. Connections (NATS, Postgres),
 * logging, configuration parsing, access tokens, the revocation and presence mirrors, NATS request helpers,
 * and how to find the live read model. Nothing here creates streams, buckets or schemas: that is
 * `@natter/infra/provision`.
 */
export { connectNats } from './nats';
export { NatsRequester, NatsRequestTimeout, NatsNoResponders, isNatsUnavailable } from './nats-requests';
export { MsgDedupeWriter } from './msg-dedupe';
export { createKysely, createPool } from './db';
export { createLogger } from './logger';
export { PollLoop } from './poll-loop';
export { envInt } from './env';
export { own } from './strings';
export { Admission } from './admission';
export { readPublicKeyPem, loadVerifyKey, loadVerifyKeyObject, loadSigningKey, signAccessToken, verifyAccessToken, verifyAccessTokenSync, bearerToken } from './access-token';
export { watchRevocations, recordRevocation, openRevocations, RevocationSet, RevocationKeys } from './revocations';
export type { RevocationWatch, RevocationRecord, RevocationTarget } from './revocations';
export { openPresence, watchPresence, PresenceDirectory } from './presence';
export type { PresenceWatch, PresenceListener } from './presence';
export { serveStatus } from './status';
export { activeReadModelSchema, CHAT_PROJECTION, SEARCH_PROJECTION, PgChannels, readModelVersionOf, currentReadModelBuild } from './read-model';
export type { ReadModelBuild } from './read-model';
export type {
  ReadModelDB, CheckpointTable, UsersTable, RoomsTable, RoomMembersTable, MessagesTable, UserRow, RoomRow, RoomMemberRow, MessageRow,
  UserSearchTermsTable, RoomBansTable, RoomInvitesTable, UserSessionsTable, ServerSettingsTable, AuditLogTable,
  MessageEditsTable, MessageReactionsTable, MessagePinsTable, ThreadParticipantsTable, RoomSettingsTable,
} from './read-model-tables';
export { httpErrorOf, answerClientError, httpServerOptions } from './http-errors';
export { readLimitedBody, discardBody, parseJsonBody, acceptJsonBodiesOnly, DRAIN_MAX_BYTES } from './http-body';
export type { BodyParsers } from './http-body';
export { createMetricsRegistry, instrumentNats, exposeValues, latencyBuckets, Counter, Gauge, Histogram, Registry } from './metrics';
export type { ExposedValue } from './metrics';
export { sliceBytes } from './file-store';
export type { FileStore, StoredObject, ByteRange } from './file-store';
export { NatsFileStore } from './file-store.nats';
