import {
  AuthTokens,
  Commands,
  HistoryQuery,
  HistoryPage,
  Id,
  LogoutResult,
  MinSeqQuery,
  pathParams,
  RoomCommandResult,
  SendMessageResult,
  UpdateProfileResult,
  UserProfile,
  type CommandDefinition,
  type ErrorCode,
} from '@natter/contracts';
import { z } from 'zod';
import { MembersResponse, MyRoomsResponse, PresenceResponse, RoomIdParams, RoomSearchQuery, RoomsResponse, UserIdParams, UserResponse, RoomResponse } from '../http/schemas';

/**
 * The whole public HTTP API (command-api and query-api) as data: the OpenAPI document is generated from this
 * table and the contracts schemas it names. command-api's routes come from contracts' `Commands` (the table
 * command-api itself registers its routes from); query-api's are listed here. A test checks the list against
 * the brief.
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
/** Request bodies are named after the command (`RegisterBody`, `SendMessageBody`, ...). */
export const inputComponents: Record<string, z.ZodType> = Object.fromEntries(
  Object.entries(Commands as Record<string, CommandDefinition>).flatMap(([name, c]) => (c.http.body ? [[`${name}Body`, c.http.body]] : [])),
);


export const apiRoutes: ApiRoute[] = [
  ...(Object.entries(Commands) as [string, CommandDefinition][]).map(([name, c]) => commandRoute(name, c)),
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
    ...(params.length ? { params: z.strictObject(Object.fromEntries(params.map((p) => [p, Id]))) } : {}),
    ...(c.http.body ? { body: c.http.body } : {}),
    success: { status: c.http.status, schema: c.result, description: c.resultDescription },
    errors: [...c.errors],
  };
}
