import type { CryptoKey } from 'jose';
import { envInt, loadSigningKey, loadVerifyKey } from '@natter/infra/runtime';

/** command-api settings, parsed once at start-up and frozen. A missing key or a bad port fails fast. */
export interface CommandApiConfig {
  readonly natsUrl: string;
  readonly databaseUrl: string;
  readonly host: string;
  /** 0 picks a free port (tests). */
  readonly port: number;
  readonly logLevel: string;
  /** Sustained message sends per user per second (COMMAND_API_SENDS_PER_SECOND, default 10; bursts of twice that). */
  readonly sendsPerSecond: number;
  /** Commands handled at once by this process (HTTP and NATS); one more is refused `overloaded` (infra Admission). */
  readonly maxInFlight: number;
  /** A send the projector has not applied after this long gets its dedupe record from command-api (DedupeBackstop). */
  readonly dedupeBackstopMs: number;
  readonly signingKey: CryptoKey;
  readonly verifyKey: CryptoKey;
}

function positive(value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!(n > 0)) throw new Error(`COMMAND_API_SENDS_PER_SECOND must be a positive number, got ${value}`);
  return n;
}

export async function loadConfig(env: NodeJS.ProcessEnv = process.env): Promise<CommandApiConfig> {
  return Object.freeze({
    natsUrl: env.NATS_URL || 'nats://127.0.0.1:4222',
    databaseUrl: env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/natter',
    host: env.HOST || '127.0.0.1',
    port: envInt(env, 'COMMAND_API_PORT', 3001, 0, 65535),
    logLevel: env.LOG_LEVEL || 'info',
    sendsPerSecond: positive(env.COMMAND_API_SENDS_PER_SECOND, 10),
    maxInFlight: envInt(env, 'COMMAND_API_MAX_IN_FLIGHT', 512, 1, 1_000_000),
    // Well inside the stream's 2-minute duplicate window, which covers a retry until the record exists.
    dedupeBackstopMs: envInt(env, 'COMMAND_API_DEDUPE_BACKSTOP_MS', 30_000, 10, 60_000),
    signingKey: await loadSigningKey(env),
    verifyKey: await loadVerifyKey(env),
  });
}
