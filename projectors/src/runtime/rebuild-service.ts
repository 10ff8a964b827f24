import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import { NatterError, Subjects, type RebuildStatus, type RpcReply } from '@natter/contracts';
import { activeReadModelSchema, type ReadModelDB } from '@natter/infra/runtime';
import { READ_MODEL_VERSION } from '@natter/infra/provision';
import type { Kysely } from 'kysely';
import pg from 'pg';
import type { Logger } from 'pino';
import { rebuildReadModel, RebuildLockName } from './rebuild';

const idle: RebuildStatus = { state: 'idle', phase: null, seq: 0, target: 0, schema: null, startedAt: null, finishedAt: null, error: null };

/**
 * The admin panel's rebuild button, served by projectors: `natter.admin.rebuild` (queue group `projectors`,
 * so one instance takes each request) starts rebuild.ts's rebuildReadModel in the background (replay into a
 * new schema, verify against the live one when it is of the same version, swap) and answers at once with
 * the status; `current` is reported in this instance's `natter.status` answers while it runs and after.
 * One rebuild at a time in the whole deployment (RebuildLockName, also taken by a read-model upgrade on
 * start): a second request gets 409 conflict.
 */
export class RebuildService {
  private status: RebuildStatus = idle;
  private sub?: Subscription;

  constructor(
    private readonly nc: NatsConnection,
    private readonly db: Kysely<ReadModelDB>,
    private readonly dbUrl: string,
    private readonly log: Logger,
  ) {}

  get current(): RebuildStatus {
    return this.status;
  }

  start(): void {
    this.sub = this.nc.subscribe(Subjects.adminRebuild, {
      queue: Subjects.projectorsQueue,
      callback: (err, msg) => {
        if (err) return this.log.warn({ err }, 'rebuild subscription error');
        void this.onRequest(msg);
      },
    });
  }

  stop(): void {
    this.sub?.unsubscribe();
  }

  private async onRequest(msg: Msg): Promise<void> {
    let reply: RpcReply;
    try {
      reply = { ok: true, result: await this.begin() };
    } catch (err) {
      const e = err instanceof NatterError ? err : new NatterError('internal');
      if (!(err instanceof NatterError)) this.log.error({ err }, 'rebuild could not start');
      reply = { ok: false, error: e.toBody().error };
    }
    if (msg.reply) msg.respond(JSON.stringify(reply));
  }

  private async begin(): Promise<RebuildStatus> {
    if (this.status.state === 'running') throw new NatterError('conflict', 'A rebuild is running.');
    const lock = new pg.Client({ connectionString: this.dbUrl, application_name: 'natter-rebuild' });
    await lock.connect();
    const { rows } = await lock.query<{ ok: boolean }>('select pg_try_advisory_lock(hashtext($1)) as ok', [RebuildLockName]);
    if (!rows[0].ok) {
      await lock.end().catch(() => {});
      throw new NatterError('conflict', 'A rebuild is running on another projectors instance.');
    }
    this.status = { ...idle, state: 'running', phase: 'replaying', startedAt: new Date().toISOString() };
    void this.run().finally(() => lock.end().catch(() => {}));
    return this.status;
  }

  private async run(): Promise<void> {
    try {
      const live = await activeReadModelSchema(this.db);
      // A live schema of an older version cannot be compared row for row: the rebuild is the upgrade.
      const verify = live.startsWith(`rm_v${READ_MODEL_VERSION}_`);
      this.log.info({ live, verify }, 'rebuild requested by a server admin');
      const r = await rebuildReadModel(this.nc, this.db, this.dbUrl, this.log, {
        verify,
        swap: true,
        dropDelayMs: 2000,
        onProgress: (p) => (this.status = { ...this.status, phase: p.phase, schema: p.schema, seq: p.seq, target: p.lastSeq }),
      });
      this.status = { ...this.status, state: 'done', phase: 'finished', seq: r.finalSeq ?? this.status.seq, target: r.finalSeq ?? this.status.target, finishedAt: new Date().toISOString() };
    } catch (err) {
      this.log.error({ err }, 'rebuild failed');
      this.status = { ...this.status, state: 'failed', finishedAt: new Date().toISOString(), error: String((err as Error)?.message ?? err) };
    }
  }
}
