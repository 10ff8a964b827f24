import { hostname } from 'node:os';
import { envInt, readPublicKeyPem } from '@natter/infra/runtime';

/** Edge configuration, parsed once from the environment and frozen. Fails fast on a missing or bad value. */
export interface EdgeConfig {
  readonly host: string;
  readonly port: number;
  readonly natsUrl: string;
  readonly nodeId: string;
  /** PEM of the Ed25519 public key that verifies access tokens. */
  readonly jwtPublicKeyPem: string;
  readonly logLevel: string;
  /** Per-socket command rate: a token bucket of `commandBurst` refilled at `commandsPerSecond`. */
  readonly commandsPerSecond: number;
  readonly commandBurst: number;
  /** How long a forwarded command may take before the client gets `unavailable`. */
  readonly commandTimeoutMs: number;
  /** How often each connection's presence entry is put again; readers drop it after 3 missed heartbeats. */
  readonly presenceHeartbeatMs: number;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): EdgeConfig {
  const port = envInt(env, 'EDGE_PORT', 3003, 0, 65_535);
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
    // At most a third of the bucket TTL (45 s), so a live entry never expires on the server between two puts.
    presenceHeartbeatMs: envInt(env, 'EDGE_PRESENCE_HEARTBEAT_MS', 15_000, 50, 15_000),
  });
}
