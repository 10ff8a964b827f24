import { hostname } from 'node:os';
import { Limits } from '@natter/contracts';
import { envInt, readPublicKeyPem } from '@natter/infra/runtime';

/**
 * Edge configuration, parsed once from the environment and frozen. Fails fast on a missing or bad value.
 * Every limit the edge applies is here (env var, default, range) except the protocol's own limits, which
 * clients must know too and so live in `contracts` `Limits` (frame size, presence list, typing interval).
 * docs/architecture.md (Configuration) and docs/websocket.md (Limits) list them all.
 */
export interface EdgeConfig {
  readonly host: string;
  readonly port: number;
  readonly natsUrl: string;
  readonly nodeId: string;
  /** PEM of the Ed25519 public key that verifies access tokens. */
  readonly jwtPublicKeyPem: string;
  readonly logLevel: string;
  /**
   * Per-socket frame rate: a token bucket of `commandBurst` refilled at `commandsPerSecond`. Every client frame
   * takes a token (ping and typing too); a frame without one is answered `rate_limited` (with its `id`).
   */
  readonly commandsPerSecond: number;
  readonly commandBurst: number;
  /** How long a forwarded command may take before the client gets `unavailable`. */
  readonly commandTimeoutMs: number;
  /** Commands of the node's sockets forwarded and not yet answered; past it `overloaded` at once. */
  readonly maxCommandsInFlight: number;
  /** How often each connection's presence entry is put again; readers drop it after 3 missed heartbeats. */
  readonly presenceHeartbeatMs: number;
  /** At most this many events of one room are replayed over a socket per backfill; the rest is `truncated`. */
  readonly resumeMaxEvents: number;
  /** At most this many live events are held per room cursor while it backfills; past it the backfill pages again. */
  readonly resumeBufferMax: number;
  /** Rooms of one socket backfilled at the same time during a resume. */
  readonly resumeParallelRooms: number;
  /** Bytes buffered for one socket before it is closed with 4001 (resume). */
  readonly backpressureBytes: number;
  /** Seconds without any traffic before uWS closes a socket (uWS pings idle sockets itself). */
  readonly idleTimeoutSeconds: number;
  /** How often the stream's identity (epoch) is checked, to reset sockets if the stream was recreated. */
  readonly epochCheckMs: number;
  /** Users whose rooms the node keeps (membership-cache.ts); 0 asks query-api on every resume. */
  readonly membershipCacheUsers: number;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): EdgeConfig {
  const port = envInt(env, 'EDGE_PORT', 3003, 0, 65_535);
  const idleTimeoutSeconds = envInt(env, 'EDGE_IDLE_TIMEOUT_S', 120, 8, 960);
  // uWS counts idle time in 4 s ticks and refuses other values.
  if (idleTimeoutSeconds % 4 !== 0) throw new Error(`EDGE_IDLE_TIMEOUT_S must be a multiple of 4, got ${idleTimeoutSeconds}`);
  return Object.freeze({
    host: env.HOST || '127.0.0.1',
    port,
    natsUrl: env.NATS_URL || 'nats://127.0.0.1:4222',
    nodeId: env.EDGE_NODE_ID || `edge-${hostname()}-${port}`,
    jwtPublicKeyPem: readPublicKeyPem(env),
    logLevel: env.LOG_LEVEL || 'info',
    commandsPerSecond: envInt(env, 'EDGE_COMMANDS_PER_SECOND', 20, 1, 10_000),
    commandBurst: envInt(env, 'EDGE_COMMAND_BURST', 40, 1, 10_000),
    commandTimeoutMs: envInt(env, 'EDGE_COMMAND_TIMEOUT_MS', 5000, 100, 600_000),
    maxCommandsInFlight: envInt(env, 'EDGE_MAX_COMMANDS_IN_FLIGHT', 256, 1, 1_000_000),
    // At most a third of the bucket TTL (45 s), so a live entry never expires on the server between two puts.
    presenceHeartbeatMs: envInt(env, 'EDGE_PRESENCE_HEARTBEAT_MS', 15_000, 50, 15_000),
    resumeMaxEvents: envInt(env, 'EDGE_RESUME_MAX_EVENTS', 2000, 1, 1_000_000),
    resumeBufferMax: envInt(env, 'EDGE_RESUME_BUFFER_MAX', 1000, 1, 1_000_000),
    resumeParallelRooms: envInt(env, 'EDGE_RESUME_PARALLEL_ROOMS', 8, 1, 256),
    backpressureBytes: envInt(env, 'EDGE_BACKPRESSURE_BYTES', Limits.wsBackpressureBytes, 64 * 1024, 256 * 1024 * 1024),
    idleTimeoutSeconds,
    epochCheckMs: envInt(env, 'EDGE_EPOCH_CHECK_MS', 10_000, 100, 3_600_000),
    membershipCacheUsers: envInt(env, 'EDGE_MEMBERSHIP_CACHE_USERS', 100_000, 0, 10_000_000),
  });
}
