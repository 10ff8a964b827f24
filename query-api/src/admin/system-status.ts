import type { JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { Buckets, RebuildStatus, ServiceStatus, Streams, Subjects, type SystemStatus } from '@natter/contracts';
import type { Caller } from '../http/auth';
import type { ActiveSchema } from '../read-model/active-schema';
import type { ReadModelReader } from '../read-model/reader';
import { SearchRepository } from '../search/search.repository';
import { searchReadiness } from '../search/search.service';

const idle: RebuildStatus = { state: 'idle', phase: null, seq: 0, target: 0, schema: null, startedAt: null, finishedAt: null, error: null };

/**
 * The admin panel's system status, for N instances of everything: one `natter.status` request answered by
 * every service instance (no queue group: infra's serveStatus), collected until answers stop coming for
 * `stallMs` (at most `maxWaitMs`); the event stream's and the KV buckets' sizes from JetStream; the chat
 * projection's checkpoint from the read model (lag = stream head minus checkpoint); the rebuild in progress
 * (or last finished) as the projectors instances report it.
 */
export class SystemStatusService {
  constructor(
    private readonly reader: ReadModelReader,
    private readonly active: ActiveSchema,
    private readonly nc: NatsConnection,
    private readonly jsm: JetStreamManager,
    private readonly searchReadyLag: number,
    private readonly opts = { maxWaitMs: 1500, stallMs: 250 },
    private readonly search = new SearchRepository(),
  ) {}

  async status(caller: Caller): Promise<SystemStatus> {
    const snap = await this.reader.read({ callerId: caller.userId, requireAdmin: true }, async (q) => {
      const row = await q.selectFrom('server_settings').select('registration_open').where('id', '=', 'server').executeTakeFirst();
      return { registrationOpen: row?.registration_open ?? true, searchCheckpoint: await this.search.checkpoint(q) };
    });
    const [services, info, buckets] = await Promise.all([this.services(), this.jsm.streams.info(Streams.events), this.buckets()]);
    const lastSeq = info.state.last_seq;
    return {
      services,
      stream: { name: Streams.events, messages: info.state.messages, bytes: info.state.bytes, lastSeq },
      buckets,
      projection: { schema: this.active.current, checkpoint: snap.asOfSeq, lag: Math.max(0, lastSeq - snap.asOfSeq) },
      search: {
        checkpoint: snap.value.searchCheckpoint,
        lag: Math.max(0, lastSeq - snap.value.searchCheckpoint),
        ...searchReadiness(snap.value.searchCheckpoint, snap.asOfSeq, this.searchReadyLag),
      },
      registrationOpen: snap.value.registrationOpen,
      rebuild: latestRebuild(services),
      asOf: new Date().toISOString(),
    };
  }

  private async services(): Promise<ServiceStatus[]> {
    const out: ServiceStatus[] = [];
    const replies = await this.nc.requestMany(Subjects.status, '', { strategy: 'stall', stall: this.opts.stallMs, maxWait: this.opts.maxWaitMs });
    for await (const m of replies) {
      const s = ServiceStatus.safeParse(m.json());
      if (s.success) out.push(s.data);
    }
    return out.sort((a, b) => a.service.localeCompare(b.service) || a.instance.localeCompare(b.instance));
  }

  private async buckets(): Promise<SystemStatus['buckets']> {
    return Promise.all(
      Object.values(Buckets).map(async (name) => {
        const info = await this.jsm.streams.info(`KV_${name}`).catch(() => null);
        return { name, values: info?.state.messages ?? 0, bytes: info?.state.bytes ?? 0 };
      }),
    );
  }
}

/** A running rebuild if any instance has one, else the most recently started. */
function latestRebuild(services: ServiceStatus[]): RebuildStatus {
  const all = services.flatMap((s) => {
    const r = RebuildStatus.safeParse(s.details.rebuild);
    return r.success ? [r.data] : [];
  });
  return all.find((r) => r.state === 'running') ?? all.sort((a, b) => (b.startedAt ?? '').localeCompare(a.startedAt ?? ''))[0] ?? idle;
}
