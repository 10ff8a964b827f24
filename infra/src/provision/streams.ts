import { DiscardPolicy, RetentionPolicy, StorageType, type JetStreamManager, type StreamConfig } from '@nats-io/jetstream';
import { Streams, Subjects } from '@natter/contracts';
import type { Logger } from 'pino';

/**
 * The event stream is the source of truth: file storage, no age/count/size limit, no deletes or purges.
 * `allow_direct` serves aggregate loads and gap repair (direct get by subject). The republish of `ev.>` to
 * `live.>` feeds the edges; on nats-server 2.9 it can only be set when the stream is created.
 */
export function eventStreamConfig(opts: { replicas?: number; duplicateWindowMs?: number } = {}): Partial<StreamConfig> & { name: string } {
  return {
    name: Streams.events,
    subjects: [Subjects.all],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    max_age: 0,
    max_msgs: -1,
    max_bytes: -1,
    max_msgs_per_subject: -1,
    num_replicas: opts.replicas ?? 1,
    allow_direct: true,
    deny_delete: true,
    deny_purge: true,
    duplicate_window: (opts.duplicateWindowMs ?? 2 * 60_000) * 1_000_000,
    republish: { src: Subjects.republishSource, dest: Subjects.republishDestination },
  };
}

/** Create the stream if missing; otherwise leave it and report settings that differ (never silently edit). */
export async function provisionStreams(jsm: JetStreamManager, log: Logger, opts: { replicas?: number } = {}): Promise<void> {
  const want = eventStreamConfig(opts);
  try {
    const info = await jsm.streams.info(Streams.events);
    const have = info.config;
    const drift: string[] = [];
    if (!have.allow_direct) drift.push('allow_direct');
    if (!have.deny_delete || !have.deny_purge) drift.push('deny_delete/deny_purge');
    if (have.republish?.dest !== want.republish?.dest) drift.push('republish');
    if (drift.length) log.warn({ stream: Streams.events, drift }, 'event stream differs from the wanted config');
    else log.info({ stream: Streams.events, messages: info.state.messages }, 'event stream present');
  } catch (err) {
    if (!isNotFound(err)) throw err;
    await jsm.streams.add(want);
    log.info({ stream: Streams.events }, 'event stream created');
  }
}

export function isNotFound(err: unknown): boolean {
  const e = err as { code?: unknown; api_error?: { err_code?: number }; message?: string };
  return e?.api_error?.err_code === 10059 || e?.code === '404' || /not found/i.test(String(e?.message));
}
