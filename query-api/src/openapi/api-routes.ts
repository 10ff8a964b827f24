import {
  AddMemberBody,
  AuthTokens,
  CreateRoomBody,
  HistoryQuery,
  LoginBody,
  LogoutBody,
  MinSeqQuery,
  RefreshBody,
  RegisterBody,
  RoomCommandResult,
  SendMessageBody,
  SendMessageResult,
  UpdateProfileBody,
  UserProfile,
  HistoryPage,
  Id,
  type ErrorCode,
} from '@natter/contracts';
import { z } from 'zod';
import { MembersResponse, MyRoomsResponse, PresenceResponse, RoomIdParams, RoomResponse, RoomSearchQuery, RoomsResponse, UserIdParams, UserResponse } from '../http/schemas';

/**
 * The whole public HTTP API (command-api and query-api) as data: the OpenAPI document is generated from this
 * table and the contracts schemas it names. Adding a route to either service means adding it here (a test
 * checks the list against the brief).
 */
export interface ApiRoute {
  method: 'get' | 'post' | 'patch' | 'delete';
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
}

export const LogoutResult = z.object({ ok: z.literal(true), seq: z.number().int() });
export const UpdateProfileResult = z.object({ user: UserProfile, seq: z.number().int() });
const RoomMemberParams = z.strictObject({ roomId: Id, userId: Id });

/** Named components in the document; anything else is inlined. */
export const outputComponents: Record<string, z.ZodType> = {
  AuthTokens,
  UserProfile,
  LogoutResult,
  UpdateProfileResult,
  RoomCommandResult,
  SendMessageResult,
  HistoryPage,
  UserResponse,
  RoomResponse,
  MyRoomsResponse,
  RoomsResponse,
  MembersResponse,
  PresenceResponse,
};
export const inputComponents: Record<string, z.ZodType> = {
  RegisterBody,
  LoginBody,
  RefreshBody,
  LogoutBody,
  UpdateProfileBody,
  CreateRoomBody,
  AddMemberBody,
  SendMessageBody,
};

export const apiRoutes: ApiRoute[] = [
  // ---- command-api: accounts
  { method: 'post', path: '/api/auth/register', service: 'command-api', operationId: 'register', summary: 'Create an account and sign in', auth: false, body: RegisterBody,
    success: { status: 201, schema: AuthTokens, description: 'Registered and signed in.' }, errors: ['username_taken', 'email_taken', 'rate_limited'] },
  { method: 'post', path: '/api/auth/login', service: 'command-api', operationId: 'login', summary: 'Sign in with username or email', auth: false, body: LoginBody,
    success: { status: 200, schema: AuthTokens, description: 'Signed in.' }, errors: ['invalid_credentials', 'user_deactivated', 'rate_limited'] },
  { method: 'post', path: '/api/auth/refresh', service: 'command-api', operationId: 'refresh', summary: 'Rotate a refresh token', auth: false, body: RefreshBody,
    description: 'The old refresh token stops working; presenting it again revokes the whole session family.',
    success: { status: 200, schema: AuthTokens, description: 'New tokens.' }, errors: ['invalid_refresh_token', 'user_deactivated'] },
  { method: 'post', path: '/api/auth/logout', service: 'command-api', operationId: 'logout', summary: 'End the session of this access token', auth: true, body: LogoutBody,
    success: { status: 200, schema: LogoutResult, description: 'Session revoked (SessionRevoked appended at `seq`).' }, errors: [] },
  { method: 'patch', path: '/api/me', service: 'command-api', operationId: 'updateProfile', summary: 'Update your profile', auth: true, body: UpdateProfileBody,
    success: { status: 200, schema: UpdateProfileResult, description: 'Profile updated.' }, errors: ['conflict'] },
  // ---- command-api: rooms and messages
  { method: 'post', path: '/api/rooms', service: 'command-api', operationId: 'createRoom', summary: 'Create a room (you become its owner)', auth: true, body: CreateRoomBody,
    success: { status: 201, schema: RoomCommandResult, description: 'Room created.' }, errors: ['conflict'] },
  { method: 'post', path: '/api/rooms/:roomId/join', service: 'command-api', operationId: 'joinRoom', summary: 'Join a public room', auth: true, params: RoomIdParams,
    success: { status: 200, schema: RoomCommandResult, description: 'Joined (or already a member: current seq, nothing appended).' }, errors: ['forbidden', 'room_not_found', 'conflict'] },
  { method: 'post', path: '/api/rooms/:roomId/leave', service: 'command-api', operationId: 'leaveRoom', summary: 'Leave a room', auth: true, params: RoomIdParams,
    success: { status: 200, schema: RoomCommandResult, description: 'Left.' }, errors: ['not_member', 'room_not_found', 'conflict'] },
  { method: 'post', path: '/api/rooms/:roomId/members', service: 'command-api', operationId: 'addMember', summary: 'Add a user to a room (owner/admin)', auth: true, params: RoomIdParams, body: AddMemberBody,
    success: { status: 200, schema: RoomCommandResult, description: 'Member added.' }, errors: ['forbidden', 'not_member', 'room_not_found', 'user_not_found', 'conflict'] },
  { method: 'delete', path: '/api/rooms/:roomId/members/:userId', service: 'command-api', operationId: 'removeMember', summary: 'Remove a member (owner/admin)', auth: true, params: RoomMemberParams,
    success: { status: 200, schema: RoomCommandResult, description: 'Member removed (MemberLeft, reason removed).' }, errors: ['forbidden', 'not_member', 'room_not_found', 'conflict'] },
  { method: 'post', path: '/api/rooms/:roomId/messages', service: 'command-api', operationId: 'sendMessage', summary: 'Send a message', auth: true, params: RoomIdParams, body: SendMessageBody,
    description: 'Idempotent per clientMsgId: a retry answers 200 with `duplicate: true` and the original message and seq.',
    success: { status: 201, schema: SendMessageResult, description: 'Stored (201), or a retry of a stored message (200, duplicate true).' }, errors: ['not_member', 'room_not_found', 'rate_limited'] },
  // ---- query-api
  { method: 'get', path: '/api/me', service: 'query-api', operationId: 'getMe', summary: 'Your profile, with email', auth: true, query: MinSeqQuery,
    success: { status: 200, schema: UserResponse, description: 'Your profile.' }, errors: ['user_not_found'] },
  { method: 'get', path: '/api/users/:userId', service: 'query-api', operationId: 'getUser', summary: "Someone's public profile (no email)", auth: true, params: UserIdParams, query: MinSeqQuery,
    success: { status: 200, schema: UserResponse, description: 'The profile.' }, errors: ['user_not_found'] },
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
    description: 'Members only (403 not_member). No cursor: the newest page. `before=S`: the `limit` messages just below S. `after=S`: the `limit` messages just above S. Items ascend by seq; `hasMore` says whether more exist in the direction asked.',
    success: { status: 200, schema: HistoryPage, description: 'One page of history.' }, errors: ['not_member'] },
];
