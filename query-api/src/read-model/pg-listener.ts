import pg from 'pg';
import type { Logger } from 'pino';

export type NotificationHandler = (payload: string) => void;

/**
 * One dedicated Postgres connection that LISTENs on a fixed set of channels for the whole process (never one
 * per request). It reconnects with backoff after a failure and calls `onConnected` each time it is listening
 * again, so that callers can re-read whatever they may have missed while it was down.
 *
 * Notifications are a wake-up hint only: everything that depends on them also polls, so a lost connection
 * costs latency, never correctness.
 */
export class PgListener {
  private client: pg.Client | undefined;
  private closed = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private attempt = 0;
  private listening = false;

  constructor(
    private readonly url: string,
    private readonly handlers: Readonly<Record<string, NotificationHandler>>,
    private readonly log: Logger,
    private readonly onConnected: () => void = () => {},
  ) {}

  get isListening(): boolean {
    return this.listening;
  }

  /** Resolves once the first LISTEN succeeded, or rejects if the first connection fails. */
  async start(): Promise<void> {
    await this.connect();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.listening = false;
    await this.client?.end().catch(() => {});
    this.client = undefined;
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url, application_name: 'query-api-listener' });
    client.on('notification', (msg) => {
      const handler = this.handlers[msg.channel];
      if (handler) handler(msg.payload ?? '');
    });
    client.on('error', (err) => this.failed(client, err));
    client.on('end', () => this.failed(client, new Error('listener connection ended')));
    try {
      await client.connect();
      for (const channel of Object.keys(this.handlers)) await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    } catch (err) {
      await client.end().catch(() => {});
      throw err;
    }
    if (this.closed) {
      await client.end().catch(() => {});
      return;
    }
    this.client = client;
    this.listening = true;
    this.attempt = 0;
    this.log.debug({ channels: Object.keys(this.handlers) }, 'pg listener ready');
    this.onConnected();
  }

  private failed(client: pg.Client, err: Error): void {
    if (this.client !== client || this.closed) return;
    this.client = undefined;
    this.listening = false;
    client.end().catch(() => {});
    this.log.warn({ err }, 'pg listener lost its connection; reconnecting');
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed) return;
    const delay = Math.min(5000, 100 * 2 ** this.attempt++);
    this.retryTimer = setTimeout(() => {
      this.connect().catch((err) => {
        this.log.warn({ err }, 'pg listener reconnect failed');
        this.scheduleReconnect();
      });
    }, delay);
  }
}
