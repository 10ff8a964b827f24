import type { NatsConnection } from '@nats-io/transport-node';
import { Subjects, TypingSignal } from '@natter/contracts';
import type { Logger } from 'pino';
import type { LiveSubscription, Signals } from '../ports';

/** Typing over core NATS `sig.typing.<roomId>`: at-most-once, never stored (no stream captures `sig.>`). */
export class NatsSignals implements Signals {
  constructor(private readonly nc: NatsConnection, private readonly log: Logger) {}

  publishTyping(signal: TypingSignal): void {
    try {
      this.nc.publish(Subjects.typing(signal.roomId), JSON.stringify(signal));
    } catch (err) {
      this.log.debug({ err }, 'typing publish failed');
    }
  }

  subscribeTyping(roomId: string, onSignal: (s: TypingSignal) => void): LiveSubscription {
    const sub = this.nc.subscribe(Subjects.typing(roomId), {
      callback: (err, msg) => {
        if (err) return;
        let parsed;
        try {
          parsed = TypingSignal.safeParse(msg.json());
        } catch {
          return;
        }
        if (parsed.success && parsed.data.roomId === roomId) onSignal(parsed.data);
      },
    });
    return { unsubscribe: () => sub.unsubscribe() };
  }
}
