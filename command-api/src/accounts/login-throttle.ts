import { Inject } from '@nestjs/common';
import { NatterError } from '@natter/contracts';
import { sql, type Kysely } from 'kysely';
import type { CommandApiConfig, RateLimitSettings } from '../config';
import { RATE_LIMITER, type RateLimiter } from '../shared/rate-limits/rate-limiter';
import { CONFIG, KYSELY } from '../shared/tokens';

/** Failures older than this (with none since) are forgotten; also the window of the per-account count. */
export const LOGIN_FAILURES_FORGET_MS = 60 * 60 * 1000;

interface FailureRow {
  key: string;
  failures: number;
  last_ms: number;
}

/**
 * Login throttling, keyed so that an attacker cannot lock the owner out (OWASP Authentication cheat sheet:
 * lockout by account alone is a denial of service; throttle per address and per account+address instead):
 *
 * 1. Every attempt from one address, right or wrong, takes a token of `login:addr:<address>`
 *    (loginPerAddress, 30 a minute): one address cannot hammer many accounts.
 * 2. Wrong passwords for one account from one address (`<account>|<address>`) are free up to
 *    loginFreeFailures (5); then that address backs off on that account: 1 s, 2 s, 4 s … up to
 *    loginBackoffMaxMs (15 min), until a success or an hour without failures. Other addresses, the owner's
 *    among them, are not affected.
 * 3. Many wrong passwords for one account from everywhere (loginAccountFailures within an hour, e.g. a
 *    botnet spreading its guesses) make every address that has failed on that account back off from its first
 *    failure. An address that has not failed on it still signs in at once.
 *
 * Checked before the password hash is even looked at; the account is the user id the login resolves to (so
 * username and email count as one), or the login itself when it names nobody.
 */
export class LoginThrottle {
  private readonly limits: RateLimitSettings;

  constructor(
    @Inject(KYSELY) private readonly db: Kysely<unknown>,
    @Inject(RATE_LIMITER) private readonly limiter: RateLimiter,
    @Inject(CONFIG) config: CommandApiConfig,
  ) {
    this.limits = config.limits;
  }

  /** Rule 1: this address may attempt a login at all. */
  async takeAttempt(address: string): Promise<void> {
    await this.limiter.take(`login:addr:${address}`, this.limits.loginPerAddress);
  }

  /** Rules 2 and 3: this address is not backing off on this account. */
  async assertNotBackingOff(account: string, address: string): Promise<void> {
    const pairKey = failureKey(account, address);
    const { rows } = await sql<FailureRow & { now_ms: number }>`
      select key, failures, last_ms, extract(epoch from clock_timestamp()) * 1000 as now_ms
      from natter.login_failures where key in (${pairKey}, ${account})`.execute(this.db);
    const pair = rows.find((r) => r.key === pairKey);
    if (!pair) return;
    const nowMs = Number(pair.now_ms);
    const acct = rows.find((r) => r.key === account);
    const underAttack = !!acct && isFresh(acct, nowMs) && acct.failures >= this.limits.loginAccountFailures;
    const free = underAttack ? 0 : this.limits.loginFreeFailures;
    const wait = isFresh(pair, nowMs) ? backoffMs(pair.failures, free, this.limits.loginBackoffMaxMs) - (nowMs - Number(pair.last_ms)) : 0;
    if (wait > 0) throw NatterError.rateLimited(wait, 'Too many wrong passwords for this account from your address; wait before trying again.');
  }

  async failed(account: string, address: string): Promise<void> {
    await sql`select natter.login_failed(${failureKey(account, address)}, ${LOGIN_FAILURES_FORGET_MS}), natter.login_failed(${account}, ${LOGIN_FAILURES_FORGET_MS})`.execute(this.db);
  }

  /** A success forgets this address's failures on the account (not the account's total: others may be guessing). */
  async succeeded(account: string, address: string): Promise<void> {
    await sql`delete from natter.login_failures where key = ${failureKey(account, address)}`.execute(this.db);
  }
}

const failureKey = (account: string, address: string) => `${account}|${address}`;
const isFresh = (r: FailureRow, nowMs: number) => nowMs - Number(r.last_ms) <= LOGIN_FAILURES_FORGET_MS;

/** How long after its last failure an address waits, having failed `failures` times with `free` allowed. */
export function backoffMs(failures: number, free: number, maxMs: number): number {
  const over = failures - free;
  return over <= 0 ? 0 : Math.min(maxMs, 1000 * 2 ** Math.min(over - 1, 30));
}
