import { z } from 'zod';
import { AddMemberBody, CreateRoomBody, RoomCommandResult } from '../api/rooms';
import { Id } from '../ids';
import type { CommandDefinitions } from './command-definition';

const RoomInput = z.strictObject({ roomId: Id });

/** Rooms: creation and membership (events on `ev.room.<roomId>.meta`). */
export const RoomCommands = {
  CreateRoom: {
    input: CreateRoomBody, result: RoomCommandResult, auth: 'bearer', nats: true,
    http: { method: 'post', path: '/api/rooms', body: CreateRoomBody, status: 201 },
    summary: 'Create a room (you become its owner)', resultDescription: 'Room created.', errors: ['conflict', 'rate_limited'],
  },
  JoinRoom: {
    input: RoomInput, result: RoomCommandResult, auth: 'bearer', nats: true,
    http: { method: 'post', path: '/api/rooms/:roomId/join', status: 200 },
    summary: 'Join a public room', description: 'A private room you are not in answers 404 room_not_found, exactly like a room that does not exist.',
    resultDescription: 'Joined (or already a member: current seq, nothing appended).', errors: ['room_not_found', 'conflict'],
  },
  LeaveRoom: {
    input: RoomInput, result: RoomCommandResult, auth: 'bearer', nats: true,
    http: { method: 'post', path: '/api/rooms/:roomId/leave', status: 200 },
    summary: 'Leave a room', resultDescription: 'Left.', errors: ['not_member', 'room_not_found', 'conflict'],
  },
  AddMember: {
    input: AddMemberBody.extend({ roomId: Id }), result: RoomCommandResult, auth: 'bearer', nats: true,
    http: { method: 'post', path: '/api/rooms/:roomId/members', body: AddMemberBody, status: 200 },
    summary: 'Add a user to a room (owner/admin)', resultDescription: 'Member added.', errors: ['forbidden', 'not_member', 'room_not_found', 'user_not_found', 'conflict'],
  },
  RemoveMember: {
    input: z.strictObject({ roomId: Id, userId: Id }), result: RoomCommandResult, auth: 'bearer', nats: true,
    http: { method: 'delete', path: '/api/rooms/:roomId/members/:userId', status: 200 },
    summary: 'Remove a member (owner/admin)', resultDescription: 'Member removed (MemberLeft, reason removed).', errors: ['forbidden', 'not_member', 'room_not_found', 'conflict'],
  },
} as const satisfies CommandDefinitions;
