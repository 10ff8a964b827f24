/**
 * THE rule for per-user delivery (docs/architecture.md "Per-user delivery"): which events on a user's own
 * subject `ev.user.<userId>` reach that user's sockets as `user_event` frames. Beside `membershipChange`, the
 * rule for rooms. Events that carry what a socket must not see are left out: `UserRegistered` (the email),
 * `SessionStarted` / `SessionRevoked` (session ids), `PasswordReset` and the deactivation pair (the edge acts
 * on those itself). A new per-user event type that devices must see (read markers, notifications) adds its
 * name here; anything not named is never sent.
 */
// AvatarChanged is a profile change like ProfileUpdated: without it a user's other devices kept the old picture
// until a reload.
const DeliveredToUser: ReadonlySet<string> = new Set<string>(['ProfileUpdated', 'AvatarChanged', 'ReadMarkersMoved', 'NotificationSettingsChanged', 'RoomNotificationSettingsChanged', 'ThreadMuteChanged', 'NotificationsRead']);

/** Whether an event of `ev.user.<id>` is sent to that user's sockets. */
export const deliversToUser = (ev: { type: string }): boolean => DeliveredToUser.has(ev.type);
