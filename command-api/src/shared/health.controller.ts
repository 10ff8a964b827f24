import { Controller, Get, Header, Inject, Res } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { sql, type Kysely } from 'kysely';
import type { HttpReply } from './http-types';
import { Metrics } from './metrics';
import { KYSELY, NATS } from './tokens';

/** /healthz: the process is up. /readyz: NATS connected and Postgres answering. /metrics: Prometheus text. */
@Controller()
export class HealthController {
  constructor(
    @Inject(NATS) private readonly nc: NatsConnection,
    @Inject(KYSELY) private readonly db: Kysely<unknown>,
    @Inject(Metrics) private readonly metrics: Metrics,
  ) {}

  @Get('healthz')
  healthz() {
    return { status: 'ok' };
  }

  @Get('readyz')
  async readyz(@Res({ passthrough: true }) reply: HttpReply) {
    const nats = !this.nc.isClosed() && !this.nc.isDraining() ? 'ok' : 'down';
    const postgres = await Promise.race([
      sql`select 1`.execute(this.db).then(() => 'ok', () => 'down'),
      new Promise<string>((r) => setTimeout(() => r('down'), 2000).unref()),
    ]);
    const ready = nats === 'ok' && postgres === 'ok';
    void reply.status(ready ? 200 : 503);
    return { status: ready ? 'ready' : 'not_ready', nats, postgres };
  }

  @Get('metrics')
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  metricsText(): Promise<string> {
    return this.metrics.render();
  }
}
