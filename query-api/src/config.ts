import { readFileSync } from 'node:fs';
import { envInt, readPublicKeyPem } from '@natter/infra/runtime';
import { BandWidthMax, BandWidthMin } from './search/search-bands';

/**
 * query-api configuration: parsed once from the environment at start-up, frozen, and failing fast on a bad
 * value. The JWT public key is loaded separately (loadVerifyKey) because it is async.
 */
export interface QueryApiConfig {
  readonly natsUrl: string;
  readonly databaseUrl: string;
  readonly host: string;
  readonly port: number;
  readonly logLevel: string;
  /** SPKI PEM of the access-token verify key (NATTER_JWT_PUBLIC_KEY, or the file named by *_FILE). */
  readonly jwtPublicKeyPem: string;
  /** Web Push: the VAPID public key browsers subscribe with (GET /api/push/vapid-key); null when push is off. */
  readonly vapidPublicKey: string | null;
  /** Postgres pool size for reads. */
  readonly dbPoolMax: number;
  /** Fallback poll of the projection checkpoint while minSeq readers wait (LISTEN is the fast path). */
  readonly minSeqPollMs: number;
  /** Fallback poll of natter.read_models (LISTEN natter_read_model is the fast path). */
  readonly schemaPollMs: number;
  /** API requests (HTTP under /api/ and NATS queries together) handled at once; one more is refused `overloaded`. */
  readonly maxInFlight: number;
  /** Search answers `search_not_ready` while its index is more than this many events behind the chat read model. */
  readonly searchReadyLag: number;
  /**
   * Seqs in search's newest band (search/search-bands.ts): a page ranks the matches of this many newest seqs
   * first, then of bands 4 times wider. Seqs count every event of the stream, not only messages.
   */
  readonly searchBandWidth: number;
}

function url(env: NodeJS.ProcessEnv, name: string, fallback: string, protocols: string[]): string {
  const raw = env[name] || fallback;
  for (const part of raw.split(',')) {
    let u: URL;
    try {
      u = new URL(part.trim());
    } catch {
      throw new Error(`${name} is not a valid URL: ${JSON.stringify(part)}`);
    }
    if (!protocols.includes(u.protocol)) throw new Error(`${name} must use ${protocols.join(' or ')}, got ${u.protocol}`);
  }
  return raw;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): QueryApiConfig {
  const logLevel = env.LOG_LEVEL || 'info';
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) throw new Error(`LOG_LEVEL ${logLevel} is not a pino level`);
  return Object.freeze({
    natsUrl: url(env, 'NATS_URL', 'nats://127.0.0.1:4222', ['nats:', 'tls:']),
    databaseUrl: url(env, 'DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/natter', ['postgres:', 'postgresql:']),
    host: env.HOST || '127.0.0.1',
    port: envInt(env, 'QUERY_API_PORT', 3002, 0, 65535),
    logLevel,
    jwtPublicKeyPem: readPublicKeyPem(env),
    vapidPublicKey: (env.NATTER_VAPID_PUBLIC_KEY_FILE ? readFileSync(env.NATTER_VAPID_PUBLIC_KEY_FILE, 'utf8') : env.NATTER_VAPID_PUBLIC_KEY)?.trim() || null,
    dbPoolMax: envInt(env, 'QUERY_API_DB_POOL_MAX', 10, 1, 200),
    minSeqPollMs: envInt(env, 'QUERY_API_MINSEQ_POLL_MS', 250, 10, 5000),
    schemaPollMs: envInt(env, 'QUERY_API_SCHEMA_POLL_MS', 10_000, 100, 600_000),
    maxInFlight: envInt(env, 'QUERY_API_MAX_IN_FLIGHT', 512, 1, 1_000_000),
    searchReadyLag: envInt(env, 'QUERY_API_SEARCH_READY_LAG', 1000, 0, 100_000_000),
    // 10,000: a word in 1 message of 500 still fills a page of 20 from the newest band (the seqs of a busy
    // deployment are mostly messages), while a word in 7 % (the most common the index keeps) ranks ~700 matches
    // there, not 70,000 of a million; the band's seq range costs ~0.5 ms to read. Measured at 1,000,000
    // messages, 5,000 to 20,000 answered within noise of each other (docs/benchmarks.md).
    searchBandWidth: envInt(env, 'QUERY_API_SEARCH_BAND', 10_000, BandWidthMin, BandWidthMax),
  });
}
