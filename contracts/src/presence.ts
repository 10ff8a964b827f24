import { z } from 'zod';

/**
 * Presence (KV bucket `natter_presence`, memory storage, history 1). Each edge puts one key per open
 * connection, `<userId>.<connId>`, when the socket opens (after authentication), puts it again every heartbeat,
 * and deletes it when the socket closes or the node drains. A user is online while any of their connections
 * is live.
 *
 * Staleness: an edge that dies without cleanup leaves its keys behind, and on nats-server 2.9 neither the
 * bucket TTL's expiry nor a per-key TTL (ignored) emits a watch event. So every reader judges each entry
 * itself: an entry is gone once `heartbeatAt + staleAfterMs` has passed (`staleAfterMs` = 3 heartbeats of the
 * writer, so readers need no configuration). Times are the writer's clock: nodes must be NTP-synchronised to
 * well within one heartbeat.
 */
export const PresenceEntry = z.object({
  userId: z.string(),
  /** EDGE_NODE_ID of the edge holding the connection. */
  node: z.string(),
  connectedAt: z.string(),
  heartbeatAt: z.string(),
  /** How long after `heartbeatAt` readers must consider the entry gone (3 heartbeats of the writer). */
  staleAfterMs: z.number().int().positive(),
});
export type PresenceEntry = z.infer<typeof PresenceEntry>;

/** Heartbeats missed before an entry counts as gone. */
export const PresenceStaleHeartbeats = 3;

export const presenceKey = (userId: string, connId: string) => `${userId}.${connId}`;

/** The userId of a presence key (`<userId>.<connId>`), or null if the key is not one. */
export function presenceKeyUser(key: string): string | null {
  const dot = key.indexOf('.');
  return dot > 0 ? key.slice(0, dot) : null;
}

/** The time (ms since epoch) after which the entry no longer counts, or 0 if it is unreadable. */
export function presenceExpiresAt(e: Pick<PresenceEntry, 'heartbeatAt' | 'staleAfterMs'>): number {
  const t = Date.parse(e.heartbeatAt);
  return Number.isFinite(t) ? t + e.staleAfterMs : 0;
}
