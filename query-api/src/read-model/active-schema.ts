import { activeReadModelSchema, type ReadModelDB } from '@natter/infra/runtime';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';

/**
 * The Postgres schema that currently holds the live chat read model (`natter.read_models`, projection 'chat').
 * A rebuild fills a new schema and flips that row, then sends `NOTIFY natter_read_model`; the cache refreshes
 * on that notification, whenever the listener reconnects, and on a slow poll as a fallback.
 */
export class ActiveSchema {
  private schema: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<string> | undefined;

  constructor(
    private readonly db: Kysely<ReadModelDB>,
    private readonly pollMs: number,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh().catch((err) => this.log.warn({ err }, 'active schema poll failed')), this.pollMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** The cached schema name; start() must have resolved. */
  get current(): string {
    if (!this.schema) throw new Error('active schema not loaded');
    return this.schema;
  }

  /** Re-read natter.read_models; concurrent callers share one query. */
  refresh(): Promise<string> {
    this.refreshing ??= this.load().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async load(): Promise<string> {
    const next = await activeReadModelSchema(this.db);
    if (next !== this.schema) {
      if (this.schema) this.log.info({ from: this.schema, to: next }, 'read model schema switched');
      this.schema = next;
    }
    return next;
  }
}
