import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInbox, type NatsConnection } from '@nats-io/transport-node';
import type { StreamConfig, StreamInfo, StreamState } from '@nats-io/jetstream';
import { Buckets, Streams } from '@natter/contracts';

/**
 * Stream backup and restore through the JetStream API, as `nats stream backup` / `nats stream restore` do it
 * (nats.js has no client for these), in the same layout: a directory with `backup.json` (the stream's config
 * and state at the snapshot) and `stream.tar.s2` (the server's snapshot, passed through untouched). A backup
 * made here restores with the nats CLI and the other way round.
 *
 * Snapshot: `$JS.API.STREAM.SNAPSHOT.<stream>` with a deliver subject; the stream's leader sends the snapshot
 * there in chunks, each with a reply subject that is acknowledged (flow control), and an empty message with no
 * reply at the end. Restore: `$JS.API.STREAM.RESTORE.<stream>` with the config and state answers a subject;
 * every chunk is sent there as a request (answered empty), and an empty request ends it: its answer is the
 * restored stream's info, or the error. The stream must not exist (restore refuses to overwrite).
 */
const FILES = { meta: 'backup.json', data: 'stream.tar.s2' };
const CHUNK_BYTES = 128 * 1024;

interface ApiError {
  error?: { code: number; err_code?: number; description: string };
}

export interface BackupResult {
  stream: string;
  dir: string;
  bytes: number;
  state: StreamState;
}

export async function backupStream(nc: NatsConnection, stream: string, dir: string, o: { timeoutMs?: number } = {}): Promise<BackupResult> {
  const timeoutMs = o.timeoutMs ?? 60_000;
  const deliver = createInbox();
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  let done!: () => void;
  let fail!: (e: Error) => void;
  const finished = new Promise<void>((resolve, reject) => {
    done = resolve;
    fail = reject;
  });
  const sub = nc.subscribe(deliver, {
    callback: (err, msg) => {
      if (err) return fail(err);
      // An empty message without a reply subject is the end; every chunk carries an ack subject.
      if (msg.data.length === 0 && !msg.reply) return done();
      chunks.push(msg.data);
      bytes += msg.data.length;
      if (msg.reply) msg.respond();
    },
  });
  try {
    const r = await nc.request(`$JS.API.STREAM.SNAPSHOT.${stream}`, JSON.stringify({ deliver_subject: deliver, no_consumers: true, chunk_size: CHUNK_BYTES, jsck: false }), { timeout: timeoutMs });
    const meta = r.json<{ config: StreamConfig; state: StreamState } & ApiError>();
    if (meta.error) throw new Error(`snapshot of ${stream}: ${meta.error.description} (${meta.error.err_code ?? meta.error.code})`);
    const timer = setTimeout(() => fail(new Error(`snapshot of ${stream}: no end after ${timeoutMs} ms`)), timeoutMs);
    try {
      await finished;
    } finally {
      clearTimeout(timer);
    }
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, FILES.data), Buffer.concat(chunks));
    await writeFile(join(dir, FILES.meta), JSON.stringify({ config: meta.config, state: meta.state }, null, 2));
    return { stream, dir, bytes, state: meta.state };
  } finally {
    sub.unsubscribe();
  }
}

/** Restore the stream backed up in `dir` (it must not exist); returns the restored stream's info. */
export async function restoreStream(nc: NatsConnection, dir: string, o: { timeoutMs?: number; replicas?: number } = {}): Promise<StreamInfo> {
  const timeoutMs = o.timeoutMs ?? 120_000;
  const meta = JSON.parse(await readFile(join(dir, FILES.meta), 'utf8')) as { config: StreamConfig; state: StreamState };
  const data = await readFile(join(dir, FILES.data));
  // A backup of a single node can be restored into a cluster with more replicas, and the other way round.
  const config = { ...meta.config, ...(o.replicas ? { num_replicas: o.replicas } : {}) };
  const start = (await nc.request(`$JS.API.STREAM.RESTORE.${config.name}`, JSON.stringify({ config, state: meta.state }), { timeout: timeoutMs })).json<{ deliver_subject?: string } & ApiError>();
  if (start.error || !start.deliver_subject) throw new Error(`restore of ${config.name}: ${start.error?.description ?? 'no deliver subject'} (${start.error?.err_code ?? start.error?.code})`);
  for (let off = 0; off < data.length; off += CHUNK_BYTES) {
    const ack = await nc.request(start.deliver_subject, data.subarray(off, off + CHUNK_BYTES), { timeout: timeoutMs });
    if (ack.data.length) throw new Error(`restore of ${config.name}: ${ack.string()}`);
  }
  const end = (await nc.request(start.deliver_subject, new Uint8Array(0), { timeout: timeoutMs })).json<StreamInfo & ApiError>();
  if (end.error) throw new Error(`restore of ${config.name}: ${end.error.description} (${end.error.err_code ?? end.error.code})`);
  return end;
}

/**
 * What a Natter backup holds: the event stream (the source of truth) and the file-backed KV buckets whose
 * state is not in the events (name reservations, send dedupe records, revocations). Not the presence bucket
 * (memory, rebuilt by the edges within a heartbeat) and not the read models (rebuilt from the events).
 * Password hashes and refresh sessions live in Postgres (`auth` schema): back that up with pg_dump.
 */
export const backedUpStreams = [Streams.events, ...[Buckets.unique, Buckets.msgDedupe, Buckets.revoked].map((b) => `KV_${b}`)];

/** Back up every stream of `backedUpStreams` into `<dir>/<stream>/`. */
export async function backupAll(nc: NatsConnection, dir: string): Promise<BackupResult[]> {
  const out: BackupResult[] = [];
  for (const s of backedUpStreams) out.push(await backupStream(nc, s, join(dir, s)));
  return out;
}

/** Restore every stream backed up under `dir` (before provisioning, which would create them empty). */
export async function restoreAll(nc: NatsConnection, dir: string, o: { replicas?: number } = {}): Promise<StreamInfo[]> {
  const out: StreamInfo[] = [];
  for (const s of backedUpStreams) out.push(await restoreStream(nc, join(dir, s), o));
  return out;
}
