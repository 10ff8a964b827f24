import type { Logger } from 'pino';
import { envInt } from '../runtime/env';
import { PollLoop } from '../runtime/poll-loop';
import { Counter, Gauge, type Registry } from 'prom-client';
import { MailSendError, type Mailer } from './mailer';
import type { MailOutbox } from './outbox';

export interface OutboxWorkerOptions {
  /** How often the outbox is polled when nothing nudged the worker (MAIL_POLL_MS, 1 s). */
  pollMs: number;
  /** First retry delay; each further attempt doubles it, up to `maxDelayMs` (MAIL_RETRY_BASE_MS, 5 s). */
  baseDelayMs: number;
  /** MAIL_RETRY_MAX_MS, 15 min. */
  maxDelayMs: number;
  /** Attempts before a mail is given up (MAIL_MAX_ATTEMPTS, 10: about 1.5 h with the defaults). */
  maxAttempts: number;
  /** How long a claimed row stays with this worker before another may take it (longer than an SMTP timeout). */
  leaseMs: number;
  batch: number;
}

export const defaultOutboxWorkerOptions: OutboxWorkerOptions = { pollMs: 1000, baseDelayMs: 5000, maxDelayMs: 15 * 60_000, maxAttempts: 10, leaseMs: 60_000, batch: 20 };

/** Exponential backoff with ±20 % jitter, so many failed mails do not all come back in the same second. */
export function retryDelayMs(attempt: number, o: Pick<OutboxWorkerOptions, 'baseDelayMs' | 'maxDelayMs'>, random = Math.random): number {
  const exp = Math.min(o.maxDelayMs, o.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp * (0.8 + 0.4 * random()));
}

/**
 * Drains the mail outbox: claims due rows, sends each through the `Mailer`, and records the outcome. A
 * temporary failure (SMTP down, a timeout, a 4xx) retries with backoff; a permanent one (a 5xx) or the last
 * attempt gives up and is logged. Delivery is at least once: a crash after SMTP accepted a mail and before
 * `markSent` sends it again when the lease runs out (the window is one SMTP round trip).
 */
export class OutboxWorker {
  private readonly loop: PollLoop;
  private readonly sent: Counter;
  private readonly failed: Counter;

  constructor(
    private readonly outbox: MailOutbox,
    private readonly mailer: Mailer,
    private readonly log: Logger,
    private readonly opts: OutboxWorkerOptions = defaultOutboxWorkerOptions,
    registry?: Registry,
  ) {
    this.loop = new PollLoop(() => this.drain(), opts.pollMs, (err) => log.warn({ err }, 'mail outbox drain failed'));
    const registers = registry ? [registry] : [];
    this.sent = new Counter({ name: 'natter_mail_sent_total', help: 'Mails accepted by the SMTP server, by kind.', labelNames: ['kind'], registers });
    this.failed = new Counter({ name: 'natter_mail_send_failures_total', help: 'Failed mail attempts, by kind and outcome (retry or gave_up).', labelNames: ['kind', 'outcome'], registers });
    const outboxRef = outbox;
    new Gauge({
      name: 'natter_mail_outbox_pending', help: 'Mails queued and not yet sent or given up.', registers,
      async collect() { this.set(await outboxRef.pending().catch(() => 0)); },
    });
  }

  start(): void {
    this.loop.start();
  }

  /** Send what is due now (a request that just enqueued calls this, so a mail does not wait for the poll). */
  nudge(): void {
    this.loop.nudge();
  }

  /** Stop polling and wait for the batch in progress (its rows are marked, nothing is left half-done). */
  stop(): Promise<void> {
    return this.loop.stop();
  }

  private async drain(): Promise<void> {
    for (;;) {
      const items = await this.outbox.claim(this.opts.batch, this.opts.leaseMs);
      if (!items.length) return;
      await Promise.all(items.map((item) => this.deliver(item)));
      if (this.loop.stopping || items.length < this.opts.batch) return;
    }
  }

  private async deliver(item: { id: string; kind: string; attempts: number; message: Parameters<Mailer['send']>[0] }): Promise<void> {
    const attempt = item.attempts + 1;
    try {
      const { messageId } = await this.mailer.send(item.message);
      await this.outbox.markSent(item.id, messageId);
      this.sent.inc({ kind: item.kind });
      this.log.info({ outboxId: item.id, kind: item.kind, messageId, attempt }, 'mail sent');
    } catch (err) {
      const permanent = err instanceof MailSendError && err.permanent;
      const giveUp = permanent || attempt >= this.opts.maxAttempts;
      const message = err instanceof Error ? err.message : String(err);
      if (giveUp) {
        await this.outbox.markFailed(item.id, message, 'failed');
        this.failed.inc({ kind: item.kind, outcome: 'gave_up' });
        this.log.error({ outboxId: item.id, kind: item.kind, attempt, permanent, err: message }, 'mail given up');
      } else {
        const delayMs = retryDelayMs(attempt, this.opts);
        await this.outbox.markFailed(item.id, message, { delayMs });
        this.failed.inc({ kind: item.kind, outcome: 'retry' });
        this.log.warn({ outboxId: item.id, kind: item.kind, attempt, delayMs, err: message }, 'mail send failed, will retry');
      }
    }
  }
}

/** Worker settings from the environment (see OutboxWorkerOptions for each variable). */
export function outboxWorkerOptionsFromEnv(env: NodeJS.ProcessEnv): OutboxWorkerOptions {
  const d = defaultOutboxWorkerOptions;
  return Object.freeze({
    pollMs: envInt(env, 'MAIL_POLL_MS', d.pollMs, 10, 60_000),
    baseDelayMs: envInt(env, 'MAIL_RETRY_BASE_MS', d.baseDelayMs, 10, 3_600_000),
    maxDelayMs: envInt(env, 'MAIL_RETRY_MAX_MS', d.maxDelayMs, 10, 86_400_000),
    maxAttempts: envInt(env, 'MAIL_MAX_ATTEMPTS', d.maxAttempts, 1, 1000),
    leaseMs: envInt(env, 'MAIL_LEASE_MS', d.leaseMs, 1000, 3_600_000),
    batch: d.batch,
  });
}
