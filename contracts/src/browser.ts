/**
 * Browser-safe entry (`@natter/contracts/browser`), for the web client. It exports only values whose modules
 * import neither Node built-ins (ids.ts uses node:crypto) nor zod, plus the types of everything, which the
 * bundler erases. Schemas stay on the main entry.
 */
export { Limits } from './limits';
export { CloseCode, shouldResume, mustReset } from './ws/close-codes';
export { ClientFrameTypes, ServerFrameTypes, isClientFrameType, isServerFrameType } from './ws/frame-types';
export type { ClientFrameType, ServerFrameType } from './ws/frame-types';
export { membershipChange, concerns } from './events/membership';
export { deliversToUser } from './events/user-delivery';
export { markersMovedBySend } from './events/send-markers';
export { RoleRank, roleAtLeast, outranks } from './roles';
export type { MembershipChange } from './events/membership';
export type { ErrorCode, ErrorBody } from './errors';
export type { EventEnvelope } from './events/envelope';
export type { EventType, EventDataOf, Role, Visibility, AssignableRole } from './events/catalog';
export type { AuthTokens, UserProfile, RegisterBody, LoginBody, RefreshBody, UpdateProfileBody, AccessClaims } from './api/auth';
export type { Room, MyRoom, Member, CreateRoomBody, RoomCommandResult, RoomKind, Peer, UpdateRoomBody, BanBody, CreateInviteBody, Invite, CreateInviteResult, Ban } from './api/rooms';
export type { MarkReadBody, MarkReadResult, UnreadState } from './api/read-state';
export type { ReadMarker } from './events/read-state.events';
export type { DirectoryEntry, PublicProfile, SendDirectMessageBody, SendDirectMessageResult } from './api/people';
export type { SearchHit, SearchResponse, SnippetSegment } from './api/search';
export type { AdminUser, UserSession, AuditEntry, RebuildStatus, ServiceStatus, SystemStatus, AdminUserResult } from './api/admin';
export type { NatsCommandName, CommandInput, CommandResult } from './commands/catalog';
export type { Message, SendMessageBody, SendMessageResult, HistoryPage, MessageView, ReactionGroup } from './api/messages';
export type {
  EditMessageBody, ReactionBody, PinBody, RoomSettings, RoomSettingsBody, MessageChangeResult, RoomSettingsResult,
  MessageResponse, MessageHistoryResponse, ThreadPage, PinsResponse,
} from './api/message-changes';
export type { Mentions } from './events/message.events';
export { Emoji, EmojiGroups, EmojiNames, isEmojiName } from './messages/emoji';
export type { EmojiGroup } from './messages/emoji';
export { parseMentions, MENTION } from './messages/mentions';
export type { ParsedMentions } from './messages/mentions';
export { foldMessage, messageTarget, NoMentions } from './messages/fold';
export type { MessageState, MessageEventLike } from './messages/fold';
export { CommandFrames, isCommandFrameType } from './ws/command-frames';
export type { ClientFrame, ServerFrame, EventFrame, ResetReason } from './ws/frames';
export { FileLimits, FileObjects, isInlineType } from './files/file-limits';
export type { Attachment, AvatarResult, ImageInfo, UploadResult } from './files/files';
export type { NotificationView, NotificationsPage, NotificationSettingsView, NotificationSettingsBody, PushPayload } from './notifications/api';
export type { NotificationLevel, QuietHours } from './notifications/settings';
export type { NotificationKind } from './notifications/kinds';
