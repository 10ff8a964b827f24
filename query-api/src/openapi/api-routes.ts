import {
  NotificationSettingsView,
  NotificationsPage,
  NotificationsQuery,
  VapidKeyResponse,
  AdminRoomsQuery,
  AdminUserResult,
  AdminUsersQuery,
  AuditQuery,
  CreateInviteResult,
  DirectoryQuery,
  RebuildStatus,
  SendDirectMessageResult,
  ServerSettingsResult,
  SystemStatus,
  SearchQuery,
  SearchResponse,
  AuthTokens,
  Commands,
  HistoryQuery,
  HistoryPage,
  Id,
  LogoutResult,
  MessageChangeResult,
  MessageHistoryResponse,
  MessageResponse,
  MessageSeqPath,
  MessageView,
  MinSeqQuery,
  PinsResponse,
  RoomSettingsResponse,
  RoomSettingsResult,
  ThreadPage,
  FileParams,
  FileLimits,
  UploadResult,
  AvatarResult,
  pathParams,
  RoomCommandResult,
  SendMessageResult,
  UpdateProfileResult,
  UserProfile,
  type CommandDefinition,
  type ErrorCode,
} from '@natter/contracts';
import { z } from 'zod';
import {
  AdminUsersResponse,
  AuditResponse,
  BansResponse,
  DirectoryResponse,
  InvitesResponse,
  MembersResponse,
  MessageParams,
  MyRoomsResponse,
  PresenceResponse,
  ProfileResponse,
  RoomIdParams,
  RoomSearchQuery,
  RoomsResponse,
  SessionsResponse,
  UserIdParams,
  UserResponse,
  RoomResponse,
} from '../http/schemas';

/**
 * The whole public HTTP API (command-api and query-api) as data: the OpenAPI document is generated from this
 * table and the contracts schemas it names. command-api's routes come from contracts' `Commands` (the table
 * command-api itself registers its routes from); query-api's are listed here. A test checks the list against
 * the brief.
 */
export interface ApiRoute {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Express-style path (`/api/rooms/:roomId`); converted to `{roomId}` in the document. */
  path: string;
  service: 'command-api' | 'query-api';
  operationId: string;
  summary: string;
  description?: string;
  auth: boolean;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  success: { status: number; schema: z.ZodType; description: string };
  /** Route-specific error codes; auth, validation, minSeq and internal ones are added by the generator. */
  errors: ErrorCode[];
  /** Not JSON: an upload's multipart body, or a download's bytes (issue 13). */
  media?: { body?: 'multipart'; success?: 'binary' };
}


/** Path parameters as the document shows them: a message's seq is digits, every other one an id. */
const pathParamSchemas: Record<string, z.ZodType> = { messageSeq: MessageSeqPath };

/** Named components in the document; anything else is inlined. */
export const outputComponents: Record<string, z.ZodType> = {
  AuthTokens,
  UserProfile,
  LogoutResult,
  UpdateProfileResult,
  RoomCommandResult,
  SendMessageResult,
  MessageView,
  MessageChangeResult,
  RoomSettingsResult,
  HistoryPage,
  MessageResponse,
  MessageHistoryResponse,
  ThreadPage,
  PinsResponse,
  RoomSettingsResponse,
  UserResponse,
  RoomResponse,
  MyRoomsResponse,
  RoomsResponse,
  MembersResponse,
  PresenceResponse,
  // ---- people and administration (issue 11)
  CreateInviteResult,
  SendDirectMessageResult,
  AdminUserResult,
  ServerSettingsResult,
  RebuildStatus,
  ProfileResponse,
  DirectoryResponse,
  InvitesResponse,
  BansResponse,
  AdminUsersResponse,
  SessionsResponse,
  AuditResponse,
  SystemStatus,
  // ---- search (issue 12)
  SearchResponse,
  // ---- files (issue 13)
  UploadResult,
  NotificationsPage,
  NotificationSettingsView,
};
/** Request bodies are named after the command (`RegisterBody`, `SendMessageBody`, ...). */
export const inputComponents: Record<string, z.ZodType> = Object.fromEntries(
  Object.entries(Commands as Record<string, CommandDefinition>).flatMap(([name, c]) => (c.http.body ? [[`${name}Body`, c.http.body]] : [])),
);


export const apiRoutes: ApiRoute[] = [
  ...(Object.entries(Commands) as [string, CommandDefinition][]).map(([name, c]) => commandRoute(name, c)),
  // ---- files (issue 13): a multipart upload (command-api, streamed) and downloads (query-api, bytes)
  { method: 'post', path: '/api/rooms/:roomId/files', service: 'command-api', operationId: 'uploadFile', summary: 'Upload a file into a room', auth: true, params: RoomIdParams, media: { body: 'multipart' },
    description: `multipart/form-data with one part named \`file\` (its filename is kept, cleaned). Members of a writable room only. The type is found by the content (JPEG, PNG, GIF, WebP, PDF, ZIP, MP4, WebM, MP3, Ogg, WAV; anything else is application/octet-stream and only ever downloads); a name or part type that claims a checkable type the content is not is 415 file_type_mismatch. At most ${FileLimits.fileMaxBytes / 1024 / 1024} MiB per file by default (FILES_MAX_BYTES), a quota per user (FILES_USER_QUOTA_BYTES). Images are re-encoded without metadata (EXIF, GPS) and get a thumbnail (at most ${FileLimits.thumbMaxPx} px); more than ${FileLimits.imageMaxPixels / 1e6} M pixels is refused before decoding. Send the answer's \`file.fileId\` in SendMessage's \`attachments\` (one message per file); deleting that message deletes the file.`,
    success: { status: 201, schema: UploadResult, description: 'Stored; attach it to a message.' }, errors: ['not_member', 'room_not_found', 'room_archived', 'file_empty', 'file_too_large', 'quota_exceeded', 'file_type_mismatch', 'image_too_large', 'bad_image', 'unsupported_media_type', 'rate_limited'] },
  { method: 'get', path: '/api/rooms/:roomId/files/:fileId', service: 'query-api', operationId: 'downloadFile', summary: 'Download a file of a room', auth: true, params: FileParams, media: { success: 'binary' },
    description: 'Members only, checked on every request (a file of another room, an unknown id or a deleted message\'s file: 404 file_not_found). `Range: bytes=a-b` answers 206 with that part (one range). Served with the sniffed type, `X-Content-Type-Options: nosniff`, a `Content-Security-Policy` with `sandbox` (nothing in it can run on this origin), `Content-Disposition: inline` for images, audio and video and `attachment` for everything else, an `ETag`, and `Cache-Control: private, no-cache`.',
    success: { status: 200, schema: z.string(), description: 'The bytes (206: the range asked for).' }, errors: ['not_member', 'room_not_found', 'file_not_found', 'range_not_satisfiable'] },
  { method: 'get', path: '/api/rooms/:roomId/files/:fileId/thumb', service: 'query-api', operationId: 'downloadThumbnail', summary: "An image's thumbnail (WebP)", auth: true, params: FileParams, media: { success: 'binary' },
    description: 'As the file itself: members only, the same headers. Only images have one (else 404 file_not_found).',
    success: { status: 200, schema: z.string(), description: 'The thumbnail.' }, errors: ['not_member', 'room_not_found', 'file_not_found'] },
  { method: 'put', path: '/api/me/avatar', service: 'command-api', operationId: 'setAvatar', summary: 'Set your picture', auth: true, media: { body: 'multipart' },
    description: `multipart/form-data, one part \`file\`: a JPEG, PNG, GIF or WebP image (by content; else 415 file_type_mismatch). Stored as a ${FileLimits.avatarPx} px square WebP without metadata; appends AvatarChanged. The answer's \`avatar\` is the new version (profiles carry it).`,
    success: { status: 200, schema: AvatarResult, description: 'The new picture\'s version and the event\'s seq.' }, errors: ['file_empty', 'file_too_large', 'file_type_mismatch', 'image_too_large', 'bad_image', 'user_deactivated', 'rate_limited'] },
  { method: 'delete', path: '/api/me/avatar', service: 'command-api', operationId: 'removeAvatar', summary: 'Remove your picture (initials again)', auth: true,
    success: { status: 200, schema: AvatarResult, description: 'Removed (avatar null).' }, errors: ['user_deactivated'] },
  { method: 'get', path: '/api/users/:userId/avatar', service: 'query-api', operationId: 'getAvatar', summary: "Someone's picture (WebP)", auth: true, params: UserIdParams, media: { success: 'binary' },
    description: 'Any signed-in user, like profiles. 404 not_found when they have none (show their initials). The same headers as file downloads.',
    success: { status: 200, schema: z.string(), description: 'The picture.' }, errors: ['not_found'] },
  // ---- query-api
  { method: 'get', path: '/api/search', service: 'query-api', operationId: 'searchMessages', summary: 'Full-text search over the messages you can read', auth: true, query: SearchQuery,
    description: [
      'Every message of the rooms and direct messages you are a member of now (membership is judged at query time: after you leave or are removed, that room\'s messages are no longer found). Deleted messages are never found; an edited one is found by its current text.',
      'Syntax of `q` (words and filters in any order): words are stemmed English full text (`deploy` finds "deployed"), `"exact phrase"`, `-word` (without), `a OR b`;',
      '`in:#room` (a room of yours, by name), `from:@username`, `before:YYYY-MM-DD` and `after:YYYY-MM-DD` (UTC days, the named day left out), `has:link` (http://, https:// or www.), `is:thread` (thread replies only).',
      'Several `in:` or `from:` are alternatives. A bad filter value is `400 validation_failed` naming it. At least one word or filter.',
      'Order: the best matches among the newest messages first, then older ones: messages are taken in spans of the event log from the newest back (the first about the last 10,000 events, each next one 4 times wider), and within a span best match first (ts_rank, then newest); so a strong match in an old message comes after weaker matches in recent ones. Without words (filters only), newest first. `snippet` is the text around the matches as segments, `hit: true` on matched words (text, never markup). Page with `cursor` = the previous `nextCursor` and the same `q`: the spans are fixed by the first page, so messages sent since do not shift later pages (they are found by a new search).',
      'While the search index is still being built from history (a new deployment of search back-fills it from the event log), the answer is `503 search_not_ready` with `details.appliedSeq`, `targetSeq` and `percent`; retry later. `asOfSeq` is the seq up to which messages are indexed.',
    ].join(' '),
    success: { status: 200, schema: SearchResponse, description: 'A page of hits.' }, errors: ['search_not_ready', 'projection_lagging'] },
  { method: 'get', path: '/api/me', service: 'query-api', operationId: 'getMe', summary: 'Your profile, with email', auth: true, query: MinSeqQuery,
    success: { status: 200, schema: UserResponse, description: 'Your profile.' }, errors: ['user_not_found'] },
  { method: 'get', path: '/api/users', service: 'query-api', operationId: 'searchUsers', summary: 'The user directory', auth: true, query: DirectoryQuery,
    description: 'Active users whose username or display-name words start with every word of `q`, ignoring case and accents ("zoe" finds "Zoë"); in the order of the matched word. No `q`: users by username.',
    success: { status: 200, schema: DirectoryResponse, description: 'Matching users.' }, errors: [] },
  { method: 'get', path: '/api/users/:userId', service: 'query-api', operationId: 'getUser', summary: "Someone's profile (no email), with presence", auth: true, params: UserIdParams, query: MinSeqQuery,
    description: '`online` is live presence; otherwise `lastSeenAt` is when their last connection closed (null if never seen). Your own profile also has your email.',
    success: { status: 200, schema: ProfileResponse, description: 'The profile.' }, errors: ['user_not_found'] },
  { method: 'get', path: '/api/users/:userId/presence', service: 'query-api', operationId: 'getUserPresence', summary: 'Whether a user is online now', auth: true, params: UserIdParams,
    description: 'Online while the user has at least one live WebSocket connection on any edge (connections are heartbeated into KV natter_presence; one missing for 3 heartbeats counts as gone, so a crashed edge\'s users turn offline within about 45 s). Any signed-in user may ask; an unknown user is offline. Live state, not a projection: the body has `asOf` (a time) instead of `asOfSeq`, and there is no `minSeq`.',
    success: { status: 200, schema: PresenceResponse, description: 'The user\'s presence now.' }, errors: [] },
  { method: 'get', path: '/api/me/rooms', service: 'query-api', operationId: 'getMyRooms', summary: 'Rooms you are in, most recently active first', auth: true, query: MinSeqQuery,
    success: { status: 200, schema: MyRoomsResponse, description: 'Your rooms, ordered by lastSeq descending.' }, errors: [] },
  { method: 'get', path: '/api/rooms', service: 'query-api', operationId: 'searchRooms', summary: 'Public rooms by name', auth: true, query: RoomSearchQuery,
    success: { status: 200, schema: RoomsResponse, description: 'Public rooms ordered by name; `q` filters by a case-insensitive substring.' }, errors: [] },
  { method: 'get', path: '/api/rooms/:roomId', service: 'query-api', operationId: 'getRoom', summary: 'Room details', auth: true, params: RoomIdParams, query: MinSeqQuery,
    description: 'Public rooms: anyone signed in. Private rooms: members only; everyone else gets 404 room_not_found.',
    success: { status: 200, schema: RoomResponse, description: 'The room.' }, errors: ['room_not_found'] },
  { method: 'get', path: '/api/rooms/:roomId/members', service: 'query-api', operationId: 'getRoomMembers', summary: 'Members of a room', auth: true, params: RoomIdParams, query: MinSeqQuery,
    description: 'Public rooms: anyone signed in. Private (or unknown) rooms: members only, else 403 not_member.',
    success: { status: 200, schema: MembersResponse, description: 'Members in join order.' }, errors: ['not_member'] },
  { method: 'get', path: '/api/rooms/:roomId/messages', service: 'query-api', operationId: 'getRoomMessages', summary: 'Room history, paged by sequence', auth: true, params: RoomIdParams, query: HistoryQuery,
    description: 'Members only (403 not_member). The room\'s timeline: top-level messages and replies also sent to the room (thread-only replies are read with `.../thread`). No cursor: the newest page. `before=S`: the `limit` messages just below S. `after=S`: the `limit` messages just above S. Items ascend by seq; `hasMore` says whether more exist in the direction asked. Every item carries what it takes to draw it: sender name, edit, tombstone, thread summary, reactions, pin.',
    success: { status: 200, schema: HistoryPage, description: 'One page of history.' }, errors: ['not_member'] },
  // ---- people and administration (issue 11)
  { method: 'get', path: '/api/rooms/:roomId/invites', service: 'query-api', operationId: 'getRoomInvites', summary: "A room's invite links (owner/admin)", auth: true, params: RoomIdParams, query: MinSeqQuery,
    description: 'Without their codes (only their hashes are kept). 403 not_member for outsiders, forbidden for moderators and members.',
    success: { status: 200, schema: InvitesResponse, description: 'Invites, newest first.' }, errors: ['not_member', 'forbidden'] },
  { method: 'get', path: '/api/rooms/:roomId/bans', service: 'query-api', operationId: 'getRoomBans', summary: "A room's bans (owner, admins, moderators)", auth: true, params: RoomIdParams, query: MinSeqQuery,
    success: { status: 200, schema: BansResponse, description: 'Banned users, newest ban first.' }, errors: ['not_member', 'forbidden'] },
  { method: 'get', path: '/api/admin/users', service: 'query-api', operationId: 'adminSearchUsers', summary: 'Every account, deactivated ones included (server admin)', auth: true, query: AdminUsersQuery,
    success: { status: 200, schema: AdminUsersResponse, description: 'Matching accounts (the directory search, with email, admin flag and deactivation).' }, errors: ['forbidden'] },
  { method: 'get', path: '/api/admin/users/:userId/sessions', service: 'query-api', operationId: 'adminUserSessions', summary: "A user's sign-ins (server admin)", auth: true, params: UserIdParams, query: MinSeqQuery,
    success: { status: 200, schema: SessionsResponse, description: 'Sessions, newest first: started, and when and why they ended.' }, errors: ['forbidden'] },
  { method: 'get', path: '/api/admin/rooms', service: 'query-api', operationId: 'adminSearchRooms', summary: 'Every room but direct messages (server admin)', auth: true, query: AdminRoomsQuery,
    success: { status: 200, schema: RoomsResponse, description: 'Rooms by name; `q` filters by a case-insensitive substring.' }, errors: ['forbidden'] },
  { method: 'get', path: '/api/admin/rooms/:roomId/members', service: 'query-api', operationId: 'adminRoomMembers', summary: "Any room's members (server admin)", auth: true, params: RoomIdParams, query: MinSeqQuery,
    success: { status: 200, schema: MembersResponse, description: 'Members in join order.' }, errors: ['forbidden', 'room_not_found'] },
  { method: 'get', path: '/api/admin/audit', service: 'query-api', operationId: 'adminAuditLog', summary: 'The audit log (server admin)', auth: true, query: AuditQuery,
    description: 'Every event but messages, from the event stream: who (actor), what (type, data), when, and the room and user it concerns. Filter by `type`, `actor`, `room`, `user`; page back with `before=<seq of the last item>` while `hasMore`.',
    success: { status: 200, schema: AuditResponse, description: 'Entries, newest first.' }, errors: ['forbidden'] },
  { method: 'get', path: '/api/admin/status', service: 'query-api', operationId: 'adminStatus', summary: 'System status (server admin)', auth: true,
    description: "Every service instance's health (gathered over NATS `natter.status`), sockets per edge, projector lag (stream head minus checkpoint), stream and KV bucket sizes, registration, and the read-model rebuild's progress. Live state: no minSeq.",
    success: { status: 200, schema: SystemStatus, description: 'The status now.' }, errors: ['forbidden'] },
  { method: 'get', path: '/api/rooms/:roomId/messages/:messageSeq', service: 'query-api', operationId: 'getMessage', summary: 'One message (a reply too), by its sequence', auth: true, params: MessageParams, query: MinSeqQuery,
    description: 'Members only. A deleted message is a tombstone: `deleted` set, no text, reactions, edits or pin.',
    success: { status: 200, schema: MessageResponse, description: 'The message.' }, errors: ['not_member', 'message_not_found'] },
  { method: 'get', path: '/api/rooms/:roomId/messages/:messageSeq/history', service: 'query-api', operationId: 'getMessageHistory', summary: 'Every version of a message\'s text', auth: true, params: MessageParams, query: MinSeqQuery,
    description: 'Members only. The text as sent, then each edit, oldest first. Empty for a deleted message (its versions are gone).',
    success: { status: 200, schema: MessageHistoryResponse, description: 'The versions.' }, errors: ['not_member', 'message_not_found'] },
  { method: 'get', path: '/api/rooms/:roomId/messages/:messageSeq/thread', service: 'query-api', operationId: 'getThread', summary: 'A thread: its root and a page of replies', auth: true, params: MessageParams, query: HistoryQuery,
    description: 'Members only. `messageSeq` is the thread\'s root (a reply is not a root: 404). Replies page like history: no cursor = the newest replies, `before`/`after` a seq; ascending.',
    success: { status: 200, schema: ThreadPage, description: 'The root and one page of replies.' }, errors: ['not_member', 'message_not_found'] },
  { method: 'get', path: '/api/rooms/:roomId/pins', service: 'query-api', operationId: 'getPins', summary: 'Pinned messages of a room', auth: true, params: RoomIdParams, query: MinSeqQuery,
    success: { status: 200, schema: PinsResponse, description: 'Pinned messages, most recently pinned first.' }, errors: ['not_member'] },
  { method: 'get', path: '/api/rooms/:roomId/settings', service: 'query-api', operationId: 'getRoomSettings', summary: 'The room\'s message settings', auth: true, params: RoomIdParams, query: MinSeqQuery,
    description: 'Members only. `editWindowSeconds` (null: edits are always allowed) and `anyoneCanPin`.',
    success: { status: 200, schema: RoomSettingsResponse, description: 'The settings.' }, errors: ['not_member'] },
  // ---- notifications (issue 13): asOfSeq is the notifications projection's checkpoint
  { method: 'get', path: '/api/me/notifications', service: 'query-api', operationId: 'getNotifications', summary: 'Your notification center', auth: true, query: NotificationsQuery,
    description: 'Newest first; `before` pages back (a notification\'s seq), `unread=true` only unread ones. `unread` in the answer counts every unread notification. A notification is named by the seq of the message that caused it; jump to it with `roomId` and `messageSeq` (and `threadRootSeq`).',
    success: { status: 200, schema: NotificationsPage, description: 'One page, and the unread count.' }, errors: [] },
  { method: 'get', path: '/api/me/notification-settings', service: 'query-api', operationId: 'getNotificationSettings', summary: 'Your notification settings', auth: true, query: MinSeqQuery,
    success: { status: 200, schema: NotificationSettingsView, description: 'Your settings, room overrides and muted threads.' }, errors: [] },
  { method: 'get', path: '/api/push/vapid-key', service: 'query-api', operationId: 'getVapidKey', summary: 'The server\'s Web Push (VAPID) public key', auth: true,
    description: 'The `applicationServerKey` to subscribe a browser with; null when the server sends no push.',
    success: { status: 200, schema: VapidKeyResponse, description: 'The key.' }, errors: [] },
];

/** A command's route as the document shows it: operationId is the command's name in lowerCamelCase. */
function commandRoute(name: string, c: CommandDefinition): ApiRoute {
  const params = pathParams(c.http.path);
  return {
    method: c.http.method,
    path: c.http.path,
    service: 'command-api',
    operationId: name[0].toLowerCase() + name.slice(1),
    summary: c.summary,
    ...(c.description ? { description: c.description } : {}),
    auth: c.auth === 'bearer',
    ...(params.length ? { params: z.strictObject(Object.fromEntries(params.map((p) => [p, pathParamSchemas[p] ?? Id]))) } : {}),
    ...(c.http.body ? { body: c.http.body } : {}),
    success: { status: c.http.status, schema: c.result, description: c.resultDescription },
    errors: [...c.errors],
  };
}
