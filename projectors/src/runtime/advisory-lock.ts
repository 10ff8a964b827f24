import pg from 'pg';
import { PgChannels } from '@natter/infra/runtime';
import type { Logger } from 'pino';

/** Channel a rebuild (npm run replay -- --swap/--verify) uses to ask the live projector to yield its lock. */
export const RebuildChannel = PgChannels.rebuild;
/** Channel told the new schema name when the active read model changes. */
export const ReadModelChannel = PgChannels.readModel;

/** The advisory lock key of a projection, as SQL: every holder (projector, replay) must use this one. */
export const projectionLockName = (projection: string) => `natter.projection.${projection}`;

/**
 * A session-level advisory lock held on a dedicated connection: the lock lives exactly as long as that
 * connection, so a crashed or partitioned holder loses it and a standby can take over. The same connection
 * LISTENs for rebuild requests and read-model switches.
 */
export class ProjectionLock {
  private client: pg.Client | null = null;
  private held = false;
  /** Fires once when the connection (and with it the lock) is gone. */
  readonly lost = new AbortController();

  constructor(
    private readonly url: string,
    private readonly projection: string,
    private readonly log: Logger,
    private readonly onNotice: (channel: string, payload: string) => void = () => {},
  ) {}

  get isHeld(): boolean {
    return this.held && !this.lost.signal.aborted;
  }

  private async connect(): Promise<pg.Client> {
    if (this.client) return this.client;
    const c = new pg.Client({ connectionString: this.url, application_name: `projector-lock-${this.projection}` });
    c.on('error', (err) => this.drop(err));
    c.on('end', () => this.drop(new Error('lock connection ended')));
    c.on('notification', (n) => this.onNotice(n.channel, n.payload ?? ''));
    await c.connect();
    await c.query(`listen ${RebuildChannel}`);
    await c.query(`listen ${ReadModelChannel}`);
    this.client = c;
    return c;
  }

  private drop(err: Error): void {
    if (this.lost.signal.aborted) return;
    if (this.held) this.log.warn({ err: err.message }, 'advisory lock connection lost: lock released');
    this.held = false;
    this.lost.abort(err);
  }

  /** One non-blocking attempt (`pg_try_advisory_lock`). */
  async tryAcquire(): Promise<boolean> {
    if (this.lost.signal.aborted) throw new Error('lock connection lost');
    const c = await this.connect();
    const r = await c.query<{ ok: boolean }>('select pg_try_advisory_lock(hashtext($1)) as ok', [projectionLockName(this.projection)]);
    this.held = r.rows[0].ok;
    return this.held;
  }

  /** Closes the connection (releasing the lock if held). */
  async close(): Promise<void> {
    const c = this.client;
    this.client = null;
    this.held = false;
    if (!this.lost.signal.aborted) this.lost.abort(new Error('closed'));
    await c?.end().catch(() => {});
  }
}
