import { connect, headers } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { encodeEvent, newId, Subjects } from '@natter/contracts';
import { eventStreamConfig } from '@natter/infra/provision';
import { startNats } from '@natter/infra/testing';
import { sampleProc } from '../procstat';

export interface JetStreamBaseline {
  messages: number;
  seconds: number;
  msgPerSec: number;
  inFlight: number;
  bodyBytes: number;
  /** CPU µs per stored message of the nats-server, and of the publishing client (this process). */
  natsServerUsPerMessage: number;
  publisherUsPerMessage: number;
}

/** A MessageSent envelope like command-api's, for the raw publish baseline and for seeding. */
export function messageSentBody(roomId: string, senderId: string, n: number, text: string) {
  return encodeEvent({ type: 'MessageSent', data: { roomId, messageId: newId(), senderId, clientMsgId: `seed-${n}`, text } }, senderId);
}

/**
 * Async JetStream publishes into a throwaway nats-server whose stream has Natter's settings (file storage,
 * republish, duplicate window): the most Natter's appends could get. Each publish carries a msgID and the
 * event headers like command-api's, up to `inFlight` unacknowledged at once, over 100 room subjects.
 */
export async function jetStreamBaseline(o: { messages: number; inFlight: number }): Promise<JetStreamBaseline> {
  const server = await startNats();
  const nc = await connect({ servers: server.url });
  try {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add(eventStreamConfig());
    const js = jetstream(nc);
    const rooms = Array.from({ length: 100 }, () => newId());
    const senderId = newId();
    const sample = messageSentBody(rooms[0], senderId, 0, 'x'.repeat(64));
    const cpu0 = process.cpuUsage();
    const server0 = sampleProc(server.proc.pid!)?.cpuTicks ?? 0;
    const t0 = performance.now();
    const window = new Set<Promise<unknown>>();
    for (let i = 0; i < o.messages; i++) {
      const room = rooms[i % rooms.length];
      const e = messageSentBody(room, senderId, i, 'x'.repeat(64));
      const h = headers();
      for (const [k, v] of Object.entries(e.headers)) h.set(k, v);
      const p: Promise<unknown> = js.publish(Subjects.roomMsg(room), e.body, { msgID: `msg:${room}:${senderId}:${i}`, headers: h }).then((): void => void window.delete(p));
      window.add(p);
      if (window.size >= o.inFlight) await Promise.race(window);
    }
    await Promise.all(window);
    const seconds = (performance.now() - t0) / 1000;
    const serverUs = ((sampleProc(server.proc.pid!)?.cpuTicks ?? 0) - server0) * 10_000; // 100 ticks per second
    const c = process.cpuUsage(cpu0);
    const per = (us: number) => Math.round((us / o.messages) * 10) / 10;
    return {
      messages: o.messages, seconds: Math.round(seconds * 100) / 100, msgPerSec: Math.round(o.messages / seconds), inFlight: o.inFlight, bodyBytes: sample.body.length,
      natsServerUsPerMessage: per(serverUs), publisherUsPerMessage: per(c.user + c.system),
    };
  } finally {
    await nc.close();
    await server.stop();
  }
}
