import { parentPort } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { Histogram, nowMs } from '../histogram';
import type { ConnectResult, ConnSpec, SenderSpec, WorkerReply, WorkerRequest, WorkerStats } from './protocol';
import { benchText, DeliveryTracker } from './receiver';

/**
 * One generator worker thread: holds many `ws` client sockets (permessage-deflate off, UTF-8 validation
 * off), sends on a schedule and tracks every delivery. Loops are bounded by count and by time.
 */
interface Conn {
  spec: ConnSpec;
  ws: WebSocket;
  ready: boolean;
}

interface Sender {
  spec: SenderSpec;
  /** Fraction of a send interval this sender is offset by, so senders do not all fire on the same tick. */
  phase: number;
  conn: Conn;
  sent: number;
  skipped: number;
  inFlight: Map<string, number>;
}

const port = parentPort!;
const conns: Conn[] = [];
const byGlobal = new Map<number, number>();
const tracker = new DeliveryTracker();
const closes: Record<string, number> = {};

let senders: Sender[] = [];
let run = { step: 0, sent: 0, acked: 0, skipped: 0, sendErrors: {} as Record<string, number>, ackedByRoom: {} as Record<string, number>, ackLatency: new Histogram() };
let reqSeq = 0;

function reply(r: WorkerReply): void {
  port.postMessage(r);
}

function onAck(sender: Sender | undefined, id: string, error?: string): void {
  if (!sender) return;
  const at = sender.inFlight.get(id);
  if (at === undefined) return;
  sender.inFlight.delete(id);
  if (error) {
    run.sendErrors[error] = (run.sendErrors[error] ?? 0) + 1;
    return;
  }
  run.acked++;
  run.ackedByRoom[sender.spec.roomId] = (run.ackedByRoom[sender.spec.roomId] ?? 0) + 1;
  run.ackLatency.record(nowMs() - at);
}

const senderByConn = new Map<number, Sender>();

function openConn(spec: ConnSpec, local: number, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(spec.url, { perMessageDeflate: false, skipUTF8Validation: true, handshakeTimeout: timeoutMs });
    const conn: Conn = { spec, ws, ready: false };
    conns[local] = conn;
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error('ready timeout'));
    }, timeoutMs);
    ws.on('message', (data: Buffer) => {
      const s = data.toString();
      if (conn.ready && tracker.onFrame(local, s)) return;
      let f: { type?: string; id?: string; code?: string };
      try {
        f = JSON.parse(s);
      } catch {
        return;
      }
      switch (f.type) {
        case 'hello':
          ws.send(JSON.stringify({ type: 'resume', rooms: {} }));
          break;
        case 'synced':
          if (!conn.ready) {
            conn.ready = true;
            clearTimeout(timer);
            resolve();
          }
          break;
        case 'ack':
          onAck(senderByConn.get(spec.idx), String(f.id));
          break;
        case 'error':
          if (f.id !== undefined) onAck(senderByConn.get(spec.idx), String(f.id), f.code ?? 'error');
          break;
        case 'event':
          tracker.onFrame(local, s);
          break;
      }
    });
    ws.on('close', (code) => {
      closes[code] = (closes[code] ?? 0) + 1;
      conn.ready = false;
      clearTimeout(timer);
      reject(new Error(`closed ${code}`));
    });
    ws.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

async function connect(req: Extract<WorkerRequest, { op: 'connect' }>): Promise<ConnectResult> {

  const base = conns.length;
  const errors: string[] = [];
  let ok = 0;
  let failed = 0;
  let retries = 0;
  let next = 0;
  tracker.reset(tracker.step, tracker.startAt, base + req.conns.length);
  const lane = async () => {
    while (next < req.conns.length) {
      const i = next++;
      const spec = req.conns[i];
      byGlobal.set(spec.idx, base + i);
      // A real client reconnects: up to 2 retries, each counted, so flaky connects show in the report.
      for (let attempt = 0; attempt < 3; attempt++) {
        try {
          await openConn(spec, base + i, req.timeoutMs);
          ok++;
          break;
        } catch (err) {
          if (errors.length < 5) errors.push(`${attempt < 2 ? 'retried after ' : ''}${String((err as Error).message ?? err)}`);
          if (attempt < 2) {
            retries++;
            await new Promise((r) => setTimeout(r, 200));
          } else failed++;
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, req.concurrency) }, lane));
  return { ok, failed, retries, errors, doneAt: nowMs() };
}

async function runStep(req: Extract<WorkerRequest, { op: 'run' }>): Promise<void> {
  run = { step: req.step, sent: 0, acked: 0, skipped: 0, sendErrors: {}, ackedByRoom: {}, ackLatency: new Histogram() };
  senders = [];
  senderByConn.clear();
  for (const spec of req.senders) {
    const local = byGlobal.get(spec.conn);
    if (local === undefined) continue;
    const s: Sender = { spec, phase: (spec.senderIdx * 0.6180339887) % 1, conn: conns[local], sent: 0, skipped: 0, inFlight: new Map() };
    senders.push(s);
    senderByConn.set(spec.conn, s);
  }
  const endAt = req.startAt + req.durationMs;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = nowMs();
      if (now >= req.startAt) {
        const elapsed = Math.min(now, endAt) - req.startAt;
        for (const s of senders) {
          const due = Math.floor((elapsed * s.spec.rate) / 1000 + s.phase) - s.sent - s.skipped;
          for (let k = 0; k < due; k++) {
            if (s.inFlight.size >= req.maxInFlight || !s.conn.ready) {
              s.skipped++;
              continue;
            }
            const n = s.sent++;
            const at = nowMs();
            const id = String(++reqSeq);
            s.inFlight.set(id, at);
            s.conn.ws.send(JSON.stringify({
              type: 'send',
              id,
              roomId: s.spec.roomId,
              clientMsgId: `b${req.step}-${s.spec.senderIdx}-${n}-${req.startAt.toFixed(0)}`,
              text: benchText(at, s.spec.senderIdx, n, req.step, req.textBytes),
            }));
          }
        }
      }
      if (now >= endAt) {
        clearInterval(timer);
        resolve();
      }
    };
    const timer = setInterval(tick, 5);
  });
  // Wait (bounded) for outstanding acks.
  const until = nowMs() + req.ackTimeoutMs;
  while (nowMs() < until && senders.some((s) => s.inFlight.size > 0)) await new Promise((r) => setTimeout(r, 20));
  for (const s of senders) {
    run.sent += s.sent;
    run.skipped += s.skipped;
    if (s.inFlight.size) run.sendErrors.ack_timeout = (run.sendErrors.ack_timeout ?? 0) + s.inFlight.size;
  }
}

function stats(): WorkerStats {
  return {
    step: run.step,
    sent: run.sent,
    acked: run.acked,
    skipped: run.skipped,
    sendErrors: run.sendErrors,
    ackedByRoom: run.ackedByRoom,
    ackLatency: run.ackLatency.toData(),
    delivered: tracker.delivered,
    duplicates: tracker.duplicates,
    outOfOrder: tracker.outOfOrder,
    stale: tracker.stale,
    latency: tracker.latency.toData(),
    lastDeliveryAt: tracker.lastAt,
    perSecond: tracker.perSecond,
    closes,
    open: conns.filter((c) => c?.ready).length,
    eventLoopBusyMs: performance.eventLoopUtilization().active,
  };
}

async function close(): Promise<void> {
  for (const c of conns) if (c) c.ws.terminate();
}

/** Every connection reset at once; resolves when all are closed (the next `connect` opens new ones). */
async function drop(): Promise<void> {
  const closing = conns.filter((c) => c && c.ws.readyState !== WebSocket.CLOSED).map((c) => new Promise<void>((r) => c.ws.once('close', () => r())));
  for (const c of conns) if (c) c.ws.terminate();
  await Promise.all(closing);
}

port.on('message', async (req: WorkerRequest) => {
  try {
    let result: unknown = null;
    if (req.op === 'connect') result = await connect(req);
    else if (req.op === 'run') await runStep(req);
    else if (req.op === 'reset') tracker.reset(req.step, req.startAt, conns.length);
    else if (req.op === 'stats') result = stats();
    else if (req.op === 'close') await close();
    else if (req.op === 'drop') await drop();
    reply({ rid: req.rid, ok: true, result });
  } catch (err) {
    reply({ rid: req.rid, ok: false, error: String((err as Error)?.stack ?? err) });
  }
});

