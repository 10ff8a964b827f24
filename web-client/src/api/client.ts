import type {
  AdminUser,
  ReadMarker,
  AdminUserResult,
  AuditEntry,
  Ban,
  CreateInviteBody,
  CreateInviteResult,
  DirectoryEntry,
  Invite,
  PublicProfile,
  RebuildStatus,
  SendDirectMessageBody,
  SendDirectMessageResult,
  SystemStatus,
  UpdateRoomBody,
  UserSession,
  AssignableRole,
  AuthTokens,
  HistoryPage,
  LoginBody,
  Member,
  MyRoom,
  RegisterBody,
  Room,
  RoomCommandResult,
  UpdateProfileBody,
  UserProfile,
  CreateRoomBody,
  MessageChangeResult,
  MessageHistoryResponse,
  MessageResponse,
  PinsResponse,
  RoomSettings,
  RoomSettingsBody,
  RoomSettingsResult,
  ThreadPage,
  SearchResponse,
  UploadResult,
  AvatarResult,
  NotificationLevel,
  NotificationSettingsBody,
  NotificationSettingsView,
  NotificationsPage,
} from '@natter/contracts/browser';
import { ApiError } from './errors';
import type { Session } from './session';

type Query = Record<string, string | number | undefined>;

/**
 * The HTTP API (relative URLs: the gateway serves the app and proxies /api). Reads carry `minSeq` = the
 * highest sequence this client's own writes returned or its socket showed it (`observe`), so a read after a
 * write, or after a live event (someone added you to a room), sees it.
 */
export class Api {
  private writtenSeq = 0;

  /** A live event at `seq` was shown: later reads wait (bounded) until the read model has it too. */
  observe(seq: number): void {
    if (seq > this.writtenSeq) this.writtenSeq = seq;
  }

  constructor(
    private readonly session: Session,
    private readonly fetchFn: typeof fetch = (...a) => fetch(...a),
  ) {}

  // auth
  register = (body: RegisterBody) => this.call<AuthTokens>('POST', '/api/auth/register', { body, auth: false });
  login = (body: LoginBody) => this.call<AuthTokens>('POST', '/api/auth/login', { body, auth: false });
  logout = () => this.call<{ ok: true; seq: number }>('POST', '/api/auth/logout', { body: {} });
  // ---- email links (issue 13)
  requestPasswordReset = (login: string) => this.call<{ ok: true }>('POST', '/api/auth/password-reset/request', { body: { login }, auth: false });
  completePasswordReset = (token: string, password: string) => this.call<{ ok: true; seq: number }>('POST', '/api/auth/password-reset', { body: { token, password }, auth: false });
  verifyEmail = (token: string) => this.call<{ ok: true; email: string; seq: number }>('POST', '/api/auth/verify-email', { body: { token }, auth: false });
  resendVerification = () => this.call<{ ok: true }>('POST', '/api/me/email/verification', { body: {} });
  changeEmail = (email: string, password: string) => this.call<{ user: UserProfile; seq: number }>('POST', '/api/me/email', { body: { email, password } });

  // me
  me = () => this.call<{ user: UserProfile; asOfSeq: number }>('GET', '/api/me');
  updateProfile = (body: UpdateProfileBody) => this.call<{ user: UserProfile; seq: number }>('PATCH', '/api/me', { body });
  user = (userId: string) => this.call<{ user: UserProfile; asOfSeq: number }>('GET', `/api/users/${enc(userId)}`);

  // rooms
  myRooms = () => this.call<{ items: MyRoom[]; asOfSeq: number }>('GET', '/api/me/rooms');
  /** Move read markers forward (reading a room, or mark all read): every device of mine gets the change. */
  markRead = (markers: ReadMarker[]) => this.call<{ seq: number }>('POST', '/api/me/read-markers', { body: { markers } });
  publicRooms = (q = '', limit = 50) => this.call<{ items: Room[]; asOfSeq: number }>('GET', '/api/rooms', { query: { q: q || undefined, limit } });
  room = (roomId: string) => this.call<{ room: Room; asOfSeq: number }>('GET', `/api/rooms/${enc(roomId)}`);
  members = (roomId: string, minSeq?: number) => this.call<{ items: Member[]; asOfSeq: number }>('GET', `/api/rooms/${enc(roomId)}/members`, { minSeq });
  createRoom = (body: CreateRoomBody) => this.call<RoomCommandResult>('POST', '/api/rooms', { body });
  joinRoom = (roomId: string) => this.call<RoomCommandResult>('POST', `/api/rooms/${enc(roomId)}/join`, { body: {} });
  leaveRoom = (roomId: string) => this.call<RoomCommandResult>('POST', `/api/rooms/${enc(roomId)}/leave`, { body: {} });

  // ---- people (issue 11)
  users = (q: string, limit = 20) => this.call<{ items: DirectoryEntry[]; asOfSeq: number }>('GET', '/api/users', { query: { q: q || undefined, limit } });
  profile = (userId: string) => this.call<{ user: PublicProfile; asOfSeq: number }>('GET', `/api/users/${enc(userId)}`);
  sendDirect = (body: SendDirectMessageBody) => this.call<SendDirectMessageResult>('POST', '/api/dms/messages', { body });
  updateRoom = (roomId: string, body: UpdateRoomBody) => this.call<RoomCommandResult>('PATCH', `/api/rooms/${enc(roomId)}`, { body });
  archiveRoom = (roomId: string, archived: boolean) => this.call<RoomCommandResult>('POST', `/api/rooms/${enc(roomId)}/${archived ? 'archive' : 'unarchive'}`, { body: {} });
  deleteRoom = (roomId: string) => this.call<RoomCommandResult>('DELETE', `/api/rooms/${enc(roomId)}`, { body: {} });
  addMember = (roomId: string, userId: string) => this.call<RoomCommandResult>('POST', `/api/rooms/${enc(roomId)}/members`, { body: { userId } });
  removeMember = (roomId: string, userId: string) => this.call<RoomCommandResult>('DELETE', `/api/rooms/${enc(roomId)}/members/${enc(userId)}`, { body: {} });
  changeRole = (roomId: string, userId: string, role: AssignableRole) => this.call<RoomCommandResult>('PATCH', `/api/rooms/${enc(roomId)}/members/${enc(userId)}`, { body: { role } });
  transferOwnership = (roomId: string, userId: string) => this.call<RoomCommandResult>('POST', `/api/rooms/${enc(roomId)}/owner`, { body: { userId } });
  ban = (roomId: string, userId: string, reason = '') => this.call<RoomCommandResult>('POST', `/api/rooms/${enc(roomId)}/bans`, { body: { userId, reason } });
  unban = (roomId: string, userId: string) => this.call<RoomCommandResult>('DELETE', `/api/rooms/${enc(roomId)}/bans/${enc(userId)}`, { body: {} });
  bans = (roomId: string) => this.call<{ items: Ban[]; asOfSeq: number }>('GET', `/api/rooms/${enc(roomId)}/bans`);
  invites = (roomId: string) => this.call<{ items: Invite[]; asOfSeq: number }>('GET', `/api/rooms/${enc(roomId)}/invites`);
  createInvite = (roomId: string, body: CreateInviteBody) => this.call<CreateInviteResult>('POST', `/api/rooms/${enc(roomId)}/invites`, { body });
  revokeInvite = (roomId: string, inviteId: string) => this.call<RoomCommandResult>('DELETE', `/api/rooms/${enc(roomId)}/invites/${enc(inviteId)}`, { body: {} });
  redeemInvite = (code: string) => this.call<RoomCommandResult>('POST', '/api/invites/redeem', { body: { code } });

  // ---- server administration (issue 11)
  adminUsers = (q: string) => this.call<{ items: AdminUser[]; asOfSeq: number }>('GET', '/api/admin/users', { query: { q: q || undefined } });
  userSessions = (userId: string) => this.call<{ items: UserSession[]; asOfSeq: number }>('GET', `/api/admin/users/${enc(userId)}/sessions`);
  adminRooms = (q: string) => this.call<{ items: Room[]; asOfSeq: number }>('GET', '/api/admin/rooms', { query: { q: q || undefined } });
  adminRoomMembers = (roomId: string) => this.call<{ items: Member[]; asOfSeq: number }>('GET', `/api/admin/rooms/${enc(roomId)}/members`);
  audit = (f: { type?: string; actor?: string; room?: string; before?: number }) =>
    this.call<{ items: AuditEntry[]; hasMore: boolean; asOfSeq: number }>('GET', '/api/admin/audit', { query: { type: f.type, actor: f.actor, room: f.room, before: f.before } });
  systemStatus = () => this.call<SystemStatus>('GET', '/api/admin/status');
  adminUser = (userId: string, action: 'deactivate' | 'reactivate' | 'logout' | 'grant-admin' | 'revoke-admin') => {
    if (action === 'grant-admin' || action === 'revoke-admin') {
      return this.call<AdminUserResult>(action === 'grant-admin' ? 'POST' : 'DELETE', `/api/admin/users/${enc(userId)}/admin`, { body: {} });
    }
    return this.call<AdminUserResult>('POST', `/api/admin/users/${enc(userId)}/${action}`, { body: {} });
  };
  resetPassword = (userId: string, password: string) => this.call<AdminUserResult>('POST', `/api/admin/users/${enc(userId)}/password`, { body: { password } });
  setRegistration = (registrationOpen: boolean) => this.call<{ registrationOpen: boolean; seq: number }>('PATCH', '/api/admin/settings', { body: { registrationOpen } });
  rebuild = () => this.call<RebuildStatus>('POST', '/api/admin/read-model/rebuild', { body: {} });

  // ---- notifications (issue 13)
  notifications = (opts: { before?: number; unread?: boolean; minSeq?: number } = {}) =>
    this.call<NotificationsPage>('GET', '/api/me/notifications', { query: { before: opts.before, unread: opts.unread ? 'true' : undefined }, minSeq: opts.minSeq });
  notificationSettings = (minSeq?: number) => this.call<NotificationSettingsView>('GET', '/api/me/notification-settings', { minSeq });
  updateNotificationSettings = (body: NotificationSettingsBody) => this.call<{ seq: number }>('PATCH', '/api/me/notification-settings', { body });
  updateRoomNotifications = (roomId: string, body: { level?: NotificationLevel | null; muted?: boolean }) =>
    this.call<{ seq: number }>('PATCH', `/api/rooms/${enc(roomId)}/notification-settings`, { body });
  muteThread = (roomId: string, rootSeq: number, muted: boolean) => this.call<{ seq: number }>('PATCH', `${msgPath(roomId, rootSeq)}/thread-mute`, { body: { muted } });
  markNotificationsRead = (body: { seqs: number[] } | { upToSeq: number }) => this.call<{ seq: number }>('POST', '/api/me/notifications/read', { body });
  vapidKey = () => this.call<{ publicKey: string | null }>('GET', '/api/push/vapid-key');
  subscribePush = (sub: { endpoint: string; keys: { p256dh: string; auth: string } }) => this.call<{ subscriptionId: string }>('POST', '/api/me/push-subscriptions', { body: sub });
  unsubscribeEmail = (token: string) => this.call<{ ok: true }>('POST', '/api/notifications/unsubscribe', { body: { token }, auth: false });

  /** History: the newest page, or the page just below `before`. Ascending by seq. */
  history = (roomId: string, opts: { before?: number; limit?: number; minSeq?: number } = {}) =>
    this.call<HistoryPage>('GET', `/api/rooms/${enc(roomId)}/messages`, { query: { before: opts.before, limit: opts.limit }, minSeq: opts.minSeq });

  // messages (a message is named by its seq; changes carry a clientOpId the caller keeps for retries)
  message = (roomId: string, seq: number) => this.call<MessageResponse>('GET', `${msgPath(roomId, seq)}`);
  messageHistory = (roomId: string, seq: number, minSeq?: number) => this.call<MessageHistoryResponse>('GET', `${msgPath(roomId, seq)}/history`, { minSeq });
  thread = (roomId: string, rootSeq: number, opts: { before?: number; limit?: number; minSeq?: number } = {}) =>
    this.call<ThreadPage>('GET', `${msgPath(roomId, rootSeq)}/thread`, { query: { before: opts.before, limit: opts.limit }, minSeq: opts.minSeq });
  /** Full-text search over the messages you can read (syntax: docs/architecture.md, "Search"). */
  search = (q: string, opts: { cursor?: string; limit?: number } = {}) => this.call<SearchResponse>('GET', '/api/search', { query: { q, cursor: opts.cursor, limit: opts.limit } });
  pins = (roomId: string, minSeq?: number) => this.call<PinsResponse>('GET', `/api/rooms/${enc(roomId)}/pins`, { minSeq });
  roomSettings = (roomId: string, minSeq?: number) => this.call<{ settings: RoomSettings; asOfSeq: number }>('GET', `/api/rooms/${enc(roomId)}/settings`, { minSeq });
  updateRoomSettings = (roomId: string, body: RoomSettingsBody) => this.call<RoomSettingsResult>('PATCH', `/api/rooms/${enc(roomId)}/settings`, { body });
  editMessage = (roomId: string, seq: number, text: string, clientOpId: string) => this.call<MessageChangeResult>('PATCH', msgPath(roomId, seq), { body: { clientOpId, text } });
  deleteMessage = (roomId: string, seq: number) => this.call<MessageChangeResult>('DELETE', msgPath(roomId, seq));
  react = (roomId: string, seq: number, emoji: string, add: boolean, clientOpId: string) =>
    this.call<MessageChangeResult>('POST', `${msgPath(roomId, seq)}/${add ? 'react' : 'unreact'}`, { body: { clientOpId, emoji } });
  pin = (roomId: string, seq: number, pinned: boolean, clientOpId: string) => this.call<MessageChangeResult>('POST', `${msgPath(roomId, seq)}/${pinned ? 'pin' : 'unpin'}`, { body: { clientOpId } });

  // ---- files (issue 13)
  /** A user's picture as a Blob, or null when they have none (404). */
  avatarBlob = async (userId: string): Promise<Blob | null> => {
    const token = await this.session.getAccessToken();
    const res = await this.fetchFn(`/api/users/${enc(userId)}/avatar`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    if (res.status === 404) return null;
    if (!res.ok) throw new ApiError(res.status, 'internal', `HTTP ${res.status}`);
    return res.blob();
  };
  /** Set your picture (multipart PUT, like an upload). */
  setAvatar = async (file: Blob, name: string): Promise<AvatarResult> => {
    const token = await this.session.getAccessToken();
    const form = new FormData();
    form.append('file', file, name);
    const res = await this.fetchFn('/api/me/avatar', { method: 'PUT', headers: token ? { authorization: `Bearer ${token}` } : {}, body: form });
    const data = await res.json().catch(() => undefined);
    if (!res.ok) {
      const err = (data as { error?: { code?: string; message?: string } } | undefined)?.error;
      throw new ApiError(res.status, (err?.code as ApiError['code']) ?? 'internal', err?.message ?? `HTTP ${res.status}`);
    }
    const r = data as AvatarResult;
    this.observe(r.seq);
    return r;
  };
  removeAvatar = () => this.call<AvatarResult>('DELETE', '/api/me/avatar');

  /**
   * A file's bytes (or its thumbnail's) as a Blob, for an object URL: downloads need the bearer token, which
   * an <img src> cannot send, and every download is authorized again (no shared cache holds a room's files).
   */
  fileBlob = async (roomId: string, fileId: string, thumb = false): Promise<Blob> => {
    const path = `/api/rooms/${enc(roomId)}/files/${enc(fileId)}${thumb ? '/thumb' : ''}`;
    const get = async (token: string | null) => this.fetchFn(path, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    let res = await get(await this.session.getAccessToken());
    if (res.status === 401) res = await get(await this.session.refresh());
    if (!res.ok) {
      const err = ((await res.json().catch(() => undefined)) as { error?: { code?: string; message?: string } } | undefined)?.error;
      throw new ApiError(res.status, (err?.code as ApiError['code']) ?? 'internal', err?.message ?? `HTTP ${res.status}`);
    }
    return res.blob();
  };

  /**
   * Upload one file to a room (multipart, one part "file") with progress; `signal` cancels it. XMLHttpRequest,
   * because fetch reports no upload progress. Answers the attachment to send with a message.
   */
  upload = async (roomId: string, file: Blob, name: string, onProgress: (sent: number, total: number) => void, signal?: AbortSignal): Promise<UploadResult> => {
    const token = await this.session.getAccessToken();
    if (!token) throw new ApiError(401, 'unauthenticated', 'Signed out.');
    const form = new FormData();
    form.append('file', file, name);
    return new Promise<UploadResult>((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', `/api/rooms/${enc(roomId)}/files`);
      xhr.setRequestHeader('authorization', `Bearer ${token}`);
      xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size);
      xhr.onload = () => {
        let data: unknown;
        try {
          data = JSON.parse(xhr.responseText);
        } catch {
          data = undefined;
        }
        if (xhr.status === 201) return resolve(data as UploadResult);
        const err = (data as { error?: { code?: string; message?: string; details?: unknown } } | undefined)?.error;
        reject(new ApiError(xhr.status, (err?.code as ApiError['code']) ?? 'internal', err?.message ?? `HTTP ${xhr.status}`, err?.details));
      };
      xhr.onerror = () => reject(new ApiError(0, 'network', 'Cannot reach the server.'));
      xhr.onabort = () => reject(new DOMException('Upload cancelled', 'AbortError'));
      signal?.addEventListener('abort', () => xhr.abort(), { once: true });
      xhr.send(form);
    });
  };

  private async call<T>(
    method: string,
    path: string,
    opts: { body?: unknown; auth?: boolean; query?: Query; minSeq?: number } = {},
  ): Promise<T> {
    const auth = opts.auth ?? true;
    const query: Query = { ...opts.query };
    if (method === 'GET') {
      const minSeq = Math.max(this.writtenSeq, opts.minSeq ?? 0);
      if (minSeq > 0) query.minSeq = minSeq;
    }
    const qs = Object.entries(query)
      .filter(([, v]) => v !== undefined && v !== '')
      .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
      .join('&');
    const url = qs ? `${path}?${qs}` : path;

    const send = async (token: string | null) => {
      const headers: Record<string, string> = { accept: 'application/json' };
      if (opts.body !== undefined) headers['content-type'] = 'application/json';
      if (token) headers.authorization = `Bearer ${token}`;
      try {
        return await this.fetchFn(url, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
      } catch {
        throw new ApiError(0, 'network', 'Cannot reach the server.');
      }
    };

    let token = auth ? await this.session.getAccessToken() : null;
    if (auth && !token) throw new ApiError(401, 'unauthenticated', 'Signed out.');
    let res = await send(token);
    if (auth && res.status === 401) {
      token = await this.session.refresh();
      if (!token) throw new ApiError(401, 'unauthenticated', 'Your session has ended. Please log in again.');
      res = await send(token);
    }
    const data = res.status === 204 ? undefined : await res.json().catch(() => undefined);
    if (!res.ok) {
      const err = (data as { error?: { code?: string; message?: string; details?: unknown } } | undefined)?.error;
      throw new ApiError(res.status, (err?.code as ApiError['code']) ?? 'internal', err?.message ?? `HTTP ${res.status}`, err?.details);
    }
    const seq = (data as { seq?: unknown } | undefined)?.seq;
    if (method !== 'GET' && typeof seq === 'number' && seq > this.writtenSeq) this.writtenSeq = seq;
    return data as T;
  }
}

const enc = encodeURIComponent;
const msgPath = (roomId: string, seq: number) => `/api/rooms/${enc(roomId)}/messages/${seq}`;
