/** Documented limits (docs/architecture.md, docs/websocket.md). One place, so HTTP, WS and tests agree. */
export const Limits = Object.freeze({
  httpBodyBytes: 64 * 1024,
  wsFrameBytes: 16 * 1024,
  /** Bytes buffered for one socket before the edge gives up on it and closes with CloseCode.SlowConsumer. */
  wsBackpressureBytes: 1024 * 1024,
  messageTextChars: 4000,
  roomNameChars: 80,
  roomTopicChars: 500,
  displayNameChars: 64,
  passwordMinChars: 8,
  passwordMaxChars: 256,
  historyPageDefault: 50,
  historyPageMax: 200,
  /** Upper bound on how long a read waits for `minSeq` before answering `projection_lagging`. */
  minSeqWaitMsMax: 5000,
  /** Users one socket may follow with `presence_subscribe` (the whole list is replaced on each frame). */
  presenceSubscribeMax: 200,
  /** Read markers one MarkRead command moves at most ("mark all read" in a user's 500 rooms is one). */
  readMarkersPerCommand: 500,
  /** A socket's `typing` frames for one room are relayed at most once per this interval (extras dropped). */
  typingMinIntervalMs: 2000,
  /** Distinct emoji on one message (a reaction that would add one more is refused: too_many_reactions). */
  reactionsPerMessageMax: 20,
  /** Distinct @usernames resolved per message text; further names stay plain text. */
  mentionsMax: 50,
  /** The longest edit window a room may set (a year); no window (null) means edits are always allowed. */
  editWindowSecondsMax: 365 * 24 * 3600,
  accessTokenSeconds: 15 * 60,
  // ---- people (issue 11)
  bioChars: 500,
  statusTextChars: 100,
  banReasonChars: 200,
  /** A group direct message: the sender and at most 7 others. */
  dmMaxPeople: 8,
  /** Directory and admin searches: results per page. */
  directoryPageMax: 50,
  /** Invite links: lifetime in hours (default a week, at most 30 days) and uses (none: unlimited). */
  inviteDefaultHours: 7 * 24,
  inviteMaxHours: 30 * 24,
  inviteMaxUses: 1000,
  auditPageMax: 200,
  refreshTokenSeconds: 30 * 24 * 3600,
  // ---- email (issue 13)
  /** A password reset link works once, for this long. */
  passwordResetLinkSeconds: 60 * 60,
  /** An email verification link works once, for this long. */
  verifyEmailLinkSeconds: 7 * 24 * 3600,
});
