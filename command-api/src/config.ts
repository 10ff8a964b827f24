import type { CryptoKey } from 'jose';
import { mailConfigFromEnv, outboxWorkerOptionsFromEnv, type MailConfig, type OutboxWorkerOptions } from '@natter/infra/mail';
import { FileLimits } from '@natter/contracts';
import { envInt, loadSigningKey, loadVerifyKey } from '@natter/infra/runtime';
import { perSecond, perWindow, type Rate } from './shared/rate-limits/rate-limiter';

/**
 * Rate limits (docs/architecture.md, "Rate limits", has the policy and why each default). Counted in
 * Postgres, so they hold across every command-api instance. A rate is written `<count>/<seconds>`: that many
 * requests per that many seconds, all at once if saved up.
 */
export interface RateLimitSettings {
  /** Login attempts per client address, right or wrong (COMMAND_API_LOGIN_PER_ADDRESS, 30/60). */
  readonly loginPerAddress: Rate;
  /** Wrong passwords for one account from one address before that address backs off (COMMAND_API_LOGIN_FREE_FAILURES, 5). */
  readonly loginFreeFailures: number;
  /**
   * Wrong passwords for one account from all addresses within an hour after which every address that has
   * failed on it backs off from its first failure (COMMAND_API_LOGIN_ACCOUNT_FAILURES, 20). Addresses that
   * have not failed on the account, such as the owner's, are not slowed.
   */
  readonly loginAccountFailures: number;
  /** The longest login backoff (COMMAND_API_LOGIN_BACKOFF_MAX_S, 900). */
  readonly loginBackoffMaxMs: number;
  /** Registrations per client address (COMMAND_API_REGISTER_PER_ADDRESS, 10/3600). */
  readonly registerPerAddress: Rate;
  /** Token refreshes per client address (COMMAND_API_REFRESH_PER_ADDRESS, 60/60). */
  readonly refreshPerAddress: Rate;
  /** Rooms created per user (COMMAND_API_ROOMS_PER_USER, 20/3600). */
  readonly roomsPerUser: Rate;
  /** Message sends per user: COMMAND_API_SENDS_PER_SECOND (10) sustained, bursts of twice that. */
  readonly sends: Rate;
  /** Password reset requests per client address (COMMAND_API_PASSWORD_RESET_PER_ADDRESS, 10/3600). */
  readonly passwordResetPerAddress: Rate;
  /**
   * Password reset requests per login as typed, known or not (COMMAND_API_PASSWORD_RESET_PER_LOGIN, 3/3600): a
   * mailbox is not flooded, and a 429 here says nothing about whether the account exists.
   */
  readonly passwordResetPerLogin: Rate;
  /** Reset and verification links presented per client address (COMMAND_API_EMAIL_LINKS_PER_ADDRESS, 30/60). */
  readonly emailLinksPerAddress: Rate;
  /** Verification mails asked for and email changes per user (COMMAND_API_EMAIL_MAILS_PER_USER, 5/3600). */
  readonly emailMailsPerUser: Rate;
  /** File and avatar uploads per user (COMMAND_API_UPLOADS_PER_USER, 60/60). */
  readonly uploadsPerUser: Rate;
}

/** Uploads (issue 13; docs/architecture.md, "Files"). Defaults: contracts' FileLimits. */
export interface FileSettings {
  /** One file, bytes (FILES_MAX_BYTES, 25 MiB). The gateway's upload route allows this plus 64 KiB of multipart framing. */
  readonly maxBytes: number;
  /** What one user may keep stored, bytes (FILES_USER_QUOTA_BYTES, 1 GiB). */
  readonly userQuotaBytes: number;
  /** Images with more pixels are refused before decoding (FILES_IMAGE_MAX_PIXELS, 50 M). */
  readonly imageMaxPixels: number;
  /** Images processed at once by this process (FILES_IMAGE_CONCURRENCY, 2). */
  readonly imageConcurrency: number;
  /**
   * Uploads (files, pictures) handled at once by this process; one more is refused `overloaded`
   * (FILES_MAX_CONCURRENT, 4). Their own bound, apart from maxInFlight: an upload lasts as long as its
   * client takes to send it, and must not take the slots that sends need.
   */
  readonly maxConcurrent: number;
  /** Uploads not attached to a message within this long are removed (FILES_UNATTACHED_TTL_S, a day). */
  readonly unattachedTtlMs: number;
  /** How often this instance looks for them (FILES_SWEEP_EVERY_S, 600). */
  readonly sweepEveryMs: number;
}

/** command-api settings, parsed once at start-up and frozen. A missing key or a bad value fails fast. */
export interface CommandApiConfig {
  readonly natsUrl: string;
  readonly databaseUrl: string;
  readonly host: string;
  /** 0 picks a free port (tests). */
  readonly port: number;
  readonly logLevel: string;
  readonly limits: RateLimitSettings;
  readonly files: FileSettings;
  /** Usernames (lower-case) that become server admins when they register (NATTER_ADMIN_USERNAMES, comma-separated). */
  readonly adminUsernames: readonly string[];
  /** Commands handled at once by this process (HTTP and NATS); one more is refused `overloaded` (infra Admission). */
  readonly maxInFlight: number;
  /** A send the projector has not applied after this long gets its dedupe record from command-api (DedupeBackstop). */
  readonly dedupeBackstopMs: number;
  readonly signingKey: CryptoKey;
  readonly verifyKey: CryptoKey;
  /** SMTP_URL, MAIL_FROM, PUBLIC_URL, MAIL_TIMEOUT_MS (infra's mail config). */
  readonly mail: MailConfig;
  /** The outbox worker's polling, retries and backoff (MAIL_POLL_MS, MAIL_RETRY_BASE_MS, MAIL_RETRY_MAX_MS, MAIL_MAX_ATTEMPTS, MAIL_LEASE_MS). */
  readonly mailWorker: OutboxWorkerOptions;
}

/** A rate setting `<count>/<seconds>` (both positive integers), or `fallback`. */
export function envRate(env: NodeJS.ProcessEnv, name: string, fallback: string): Rate {
  const raw = env[name]?.trim() || fallback;
  const m = /^(\d{1,9})\/(\d{1,9})$/.exec(raw);
  if (!m || Number(m[1]) < 1 || Number(m[2]) < 1) throw new Error(`${name} must be <count>/<seconds>, e.g. 30/60, got ${JSON.stringify(env[name])}`);
  return perWindow(Number(m[1]), Number(m[2]));
}

export function loadLimits(env: NodeJS.ProcessEnv): RateLimitSettings {
  const sends = envInt(env, 'COMMAND_API_SENDS_PER_SECOND', 10, 1, 1_000_000);
  return Object.freeze({
    loginPerAddress: envRate(env, 'COMMAND_API_LOGIN_PER_ADDRESS', '30/60'),
    loginFreeFailures: envInt(env, 'COMMAND_API_LOGIN_FREE_FAILURES', 5, 0, 1000),
    loginAccountFailures: envInt(env, 'COMMAND_API_LOGIN_ACCOUNT_FAILURES', 20, 1, 1_000_000),
    loginBackoffMaxMs: envInt(env, 'COMMAND_API_LOGIN_BACKOFF_MAX_S', 900, 1, 86_400) * 1000,
    registerPerAddress: envRate(env, 'COMMAND_API_REGISTER_PER_ADDRESS', '10/3600'),
    refreshPerAddress: envRate(env, 'COMMAND_API_REFRESH_PER_ADDRESS', '60/60'),
    roomsPerUser: envRate(env, 'COMMAND_API_ROOMS_PER_USER', '20/3600'),
    sends: perSecond(sends, 2 * sends),
    passwordResetPerAddress: envRate(env, 'COMMAND_API_PASSWORD_RESET_PER_ADDRESS', '10/3600'),
    passwordResetPerLogin: envRate(env, 'COMMAND_API_PASSWORD_RESET_PER_LOGIN', '3/3600'),
    emailLinksPerAddress: envRate(env, 'COMMAND_API_EMAIL_LINKS_PER_ADDRESS', '30/60'),
    emailMailsPerUser: envRate(env, 'COMMAND_API_EMAIL_MAILS_PER_USER', '5/3600'),
    uploadsPerUser: envRate(env, 'COMMAND_API_UPLOADS_PER_USER', '60/60'),
  });
}

export function loadFileSettings(env: NodeJS.ProcessEnv): FileSettings {
  return Object.freeze({
    maxBytes: envInt(env, 'FILES_MAX_BYTES', FileLimits.fileMaxBytes, 1, 1024 ** 3),
    userQuotaBytes: envInt(env, 'FILES_USER_QUOTA_BYTES', FileLimits.userQuotaBytes, 1, Number.MAX_SAFE_INTEGER),
    imageMaxPixels: envInt(env, 'FILES_IMAGE_MAX_PIXELS', FileLimits.imageMaxPixels, 1, 1_000_000_000),
    imageConcurrency: envInt(env, 'FILES_IMAGE_CONCURRENCY', 2, 1, 64),
    maxConcurrent: envInt(env, 'FILES_MAX_CONCURRENT', 4, 1, 1024),
    unattachedTtlMs: envInt(env, 'FILES_UNATTACHED_TTL_S', 86_400, 1, 365 * 86_400) * 1000,
    sweepEveryMs: envInt(env, 'FILES_SWEEP_EVERY_S', 600, 1, 86_400) * 1000,
  });
}

function usernames(value: string | undefined): string[] {
  const names = (value ?? '').split(',').map((n) => n.trim().toLowerCase()).filter((n) => n !== '');
  for (const n of names) if (!/^[a-z0-9_]{3,32}$/.test(n)) throw new Error(`NATTER_ADMIN_USERNAMES: ${JSON.stringify(n)} is not a username`);
  return names;
}

export async function loadConfig(env: NodeJS.ProcessEnv = process.env): Promise<CommandApiConfig> {
  return Object.freeze({
    natsUrl: env.NATS_URL || 'nats://127.0.0.1:4222',
    databaseUrl: env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/natter',
    host: env.HOST || '127.0.0.1',
    port: envInt(env, 'COMMAND_API_PORT', 3001, 0, 65535),
    logLevel: env.LOG_LEVEL || 'info',
    limits: loadLimits(env),
    files: loadFileSettings(env),
    adminUsernames: Object.freeze(usernames(env.NATTER_ADMIN_USERNAMES)),
    maxInFlight: envInt(env, 'COMMAND_API_MAX_IN_FLIGHT', 512, 1, 1_000_000),
    // Well inside the stream's 2-minute duplicate window, which covers a retry until the record exists.
    dedupeBackstopMs: envInt(env, 'COMMAND_API_DEDUPE_BACKSTOP_MS', 30_000, 10, 60_000),
    signingKey: await loadSigningKey(env),
    verifyKey: await loadVerifyKey(env),
    mail: mailConfigFromEnv(env),
    mailWorker: outboxWorkerOptionsFromEnv(env),
  });
}
