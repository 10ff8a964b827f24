import { NatterError } from '@natter/contracts';
import { activeReadModelSchema, currentReadModelBuild, readModelVersionOf, type ReadModelBuild, type ReadModelDB } from '@natter/infra/runtime';
// The version this code reads (the read model's definition is provisioning's; see docs/architecture.md).
import { READ_MODEL_VERSION } from '@natter/infra/provision';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';

/**
 * The Postgres schema that currently holds the live chat read model (`natter.read_models`, projection 'chat').
 * A rebuild fills a new schema and flips that row, then sends `NOTIFY natter_read_model`; the cache refreshes
 * on that notification, whenever the listener reconnects, and on a slow poll as a fallback.
 *
 * A live schema of an older READ_MODEL_VERSION than this code reads is being rebuilt by the projectors
 * (upgrade on start): its tables are not what this code expects, so reads are refused with 503 `unavailable`
 * "rebuilding read models (v1 -> v2) N%" (`assertReadable`) until the swap's NOTIFY, the progress re-read at
 * most once a second from natter.read_model_builds.
 */
export class ActiveSchema {
  private schema: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<string> | undefined;
  private rebuilding: { build: ReadModelBuild | null; readAt: number } | null = null;

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

  /** Throws 503 `unavailable` while the live schema is of an older version than this code reads. */
  assertReadable(): void {
    if (!this.rebuilding) return;
    const schema = this.current;
    if (Date.now() - this.rebuilding.readAt > 1000) void this.refresh().catch(() => {});
    const b = this.rebuilding.build;
    const progress = b && b.fromSchema === schema ? ` ${Math.floor(b.progress * 100)}%` : '';
    throw new NatterError('unavailable', `rebuilding read models (v${readModelVersionOf(schema)} -> v${READ_MODEL_VERSION})${progress}; try again shortly`, {
      schema,
      ...(b ? { building: b.schema, progress: b.progress } : {}),
    });
  }

  private async load(): Promise<string> {
    const next = await activeReadModelSchema(this.db);
    if (next !== this.schema) {
      if (this.schema) this.log.info({ from: this.schema, to: next }, 'read model schema switched');
      this.schema = next;
    }
    const version = readModelVersionOf(next);
    this.rebuilding = version !== null && version < READ_MODEL_VERSION ? { build: await currentReadModelBuild(this.db).catch(() => null), readAt: Date.now() } : null;
    return next;
  }
}
