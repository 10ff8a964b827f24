import { jetstreamManager, type JetStreamManager, type StreamInfo } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import { Streams } from '@natter/contracts';
import { exposeValues, type Registry } from '@natter/infra/runtime';
import type { ProjectorMetrics } from './metrics';

/**
 * Polls the event stream's info (and the JetStream account's storage) every `everyMs`: the stream's last
 * sequence feeds the projection lag, and the stream's size and replica health are exported for the
 * storage and replica alerts. Every projector instance exports them (active or standby): dashboards take max().
 */
export async function watchStreamStats(nc: NatsConnection, metrics: readonly ProjectorMetrics[], registry: Registry, log: Logger, everyMs = 2000): Promise<{ stop(): void }> {
  const jsm: JetStreamManager = await jetstreamManager(nc);
  let info: StreamInfo | undefined;
  let account = { storage: 0, limit: -1 };
  const labels = { stream: Streams.events };
  exposeValues(registry, [
    { name: 'natter_stream_messages', type: 'gauge', help: 'Messages in the event stream.', labels, value: () => info?.state.messages ?? 0 },
    { name: 'natter_stream_bytes', type: 'gauge', help: 'Bytes stored by the event stream (one replica).', labels, value: () => info?.state.bytes ?? 0 },
    { name: 'natter_stream_replicas', type: 'gauge', help: 'Replicas the event stream is configured with.', labels, value: () => info?.config.num_replicas ?? 0 },
    {
      name: 'natter_stream_replicas_current',
      type: 'gauge',
      help: 'Replicas that are current: the leader plus followers caught up with it (equal to natter_stream_replicas when healthy).',
      labels,
      value: () => (info ? (info.cluster?.leader ? 1 : info.config.num_replicas === 1 ? 1 : 0) + (info.cluster?.replicas ?? []).filter((r) => r.current && !r.offline).length : 0),
    },
    { name: 'natter_jetstream_storage_bytes', type: 'gauge', help: 'File storage used by the JetStream account (all streams and buckets, one replica).', value: () => account.storage },
    { name: 'natter_jetstream_storage_limit_bytes', type: 'gauge', help: "The JetStream account's storage limit; -1 when the account has none (then watch the NATS volume).", value: () => account.limit },
  ]);
  let failing = false;
  const poll = async () => {
    try {
      info = await jsm.streams.info(Streams.events);
      for (const m of metrics) m.streamLastSeq = Math.max(m.streamLastSeq, info.state.last_seq);
      const a = await jsm.getAccountInfo();
      account = { storage: a.storage, limit: a.limits.max_storage };
      if (failing) log.info('stream info available again');
      failing = false;
    } catch (err) {
      if (!failing) log.warn({ err: (err as Error).message }, 'stream info unavailable');
      failing = true;
    }
  };
  await poll();
  const timer = setInterval(() => void poll(), everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
