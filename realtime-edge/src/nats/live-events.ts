import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import type { LiveEvents, LiveMessage, LiveSubscription } from '../ports';

/**
 * Live events from the stream's republish (`ev.>` -> `live.>`), core NATS, at-most-once. Each message carries
 * `Nats-Sequence`, `Nats-Subject` (the original `ev.*` subject) and `Nats-Last-Sequence` (previous seq on that
 * exact subject); a message without them was not published by the stream and is ignored.
 */
export class NatsLiveEvents implements LiveEvents {
  private readonly reconnectHandlers: (() => void)[] = [];
  private connected = true;

  constructor(private readonly nc: NatsConnection, private readonly log: Logger) {
    (async () => {
      for await (const s of nc.status()) {
        if (s.type === 'disconnect') this.connected = false;
        if (s.type === 'reconnect') {
          this.connected = true;
          for (const cb of this.reconnectHandlers) cb();
        }
      }
    })().catch(() => {});
  }

  async subscribe(liveSubject: string, onMessage: (m: LiveMessage) => void): Promise<LiveSubscription> {
    const sub = this.nc.subscribe(liveSubject, {
      callback: (err, msg) => {
        if (err) return this.log.warn({ err, liveSubject }, 'live subscription error');
        const h = msg.headers;
        const seq = Number(h?.get('Nats-Sequence'));
        const subject = h?.get('Nats-Subject');
        const last = Number(h?.get('Nats-Last-Sequence') || 0);
        if (!Number.isSafeInteger(seq) || seq <= 0 || !subject) {
          this.log.debug({ subject: msg.subject }, 'live message without republish headers ignored');
          return;
        }
        onMessage({ seq, subject, lastSubjectSeq: Number.isSafeInteger(last) ? last : 0, data: msg.data });
      },
    });
    // A round trip after SUB: the server has registered it before anything read after this resolves.
    await this.nc.flush();
    return { unsubscribe: () => sub.unsubscribe() };
  }

  onReconnect(cb: () => void): void {
    this.reconnectHandlers.push(cb);
  }

  isConnected(): boolean {
    return this.connected && !this.nc.isClosed();
  }
}
