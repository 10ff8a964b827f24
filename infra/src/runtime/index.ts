/**
 * `@natter/infra/runtime`: the library every service imports at run time. Connections (NATS, Postgres),
 * logging, configuration parsing, access tokens, the revocation and presence mirrors, NATS request helpers,
 * and how to find the live read model. Nothing here creates streams, buckets or schemas: that is
 * `@natter/infra/provision`.
 */
export { connectNats } from './nats';
export { NatsRequester, NatsRequestTimeout, NatsNoResponders } from './nats-requests';
export { MsgDedupeWriter } from './msg-dedupe';
export { createKysely, createPool } from './db';
export { createLogger } from './logger';
export { envInt } from './env';
export { own } from './strings';
export { Admission, retryAfterMsOf } from './admission';
export { readPublicKeyPem, loadVerifyKey, loadVerifyKeyObject, loadSigningKey, signAccessToken, verifyAccessToken, verifyAccessTokenSync, bearerToken } from './access-token';
export { watchRevocations, recordRevocation, openRevocations, RevocationSet, RevocationKeys } from './revocations';
export type { RevocationWatch, RevocationRecord, RevocationTarget } from './revocations';
export { openPresence, watchPresence, PresenceDirectory } from './presence';
export type { PresenceWatch, PresenceListener } from './presence';
export { activeReadModelSchema, CHAT_PROJECTION, PgChannels } from './read-model';
export type { ReadModelDB, CheckpointTable, UsersTable, RoomsTable, RoomMembersTable, MessagesTable, UserRow, RoomRow, RoomMemberRow, MessageRow } from './read-model-tables';
