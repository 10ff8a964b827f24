import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Kysely } from 'kysely';
import { Admission, type RevocationWatch } from '@natter/infra/runtime';
import type { Logger } from 'pino';
import type { CommandApiConfig } from '../config';
import { AggregateRepository } from './aggregates';
import { BUCKETS, type CommandBuckets } from './buckets';
import { CommandRunner } from './command-runner';
import type { EventStore } from './event-store';
import { EVENT_STORE } from './event-store.provider';
import { MAIL_QUEUE, type MailQueue } from './mail-queue';
import { Metrics } from './metrics';
import { RATE_LIMITER } from './rate-limits/rate-limiter';
import { PgRateLimiter } from './rate-limits/rate-limiter.pg';
import { CONFIG, KYSELY, LOGGER, NATS, REVOCATIONS } from './tokens';

/**
 * What app.ts connects before Nest starts; handed to Nest as values. `DB` is the command-side tables' type,
 * which belongs to the feature that owns them (accounts), not to shared.
 */
export interface Runtime<DB> {
  config: CommandApiConfig;
  log: Logger;
  nc: NatsConnection;
  db: Kysely<DB>;
  store: EventStore;
  buckets: CommandBuckets;
  metrics: Metrics;
  /** Revoked sessions and users as every instance sees them (ready before Nest starts). */
  revocations: RevocationWatch;
  /** The mail outbox and its worker's nudge (issue 13). */
  mail: MailQueue;
}

/**
 * Connections, the event store, aggregate loading, the rate limiter and metrics, visible to every module. Feature
 * modules bring their own dependencies (MessagesModule its dedupe records, AccountsModule the SessionGate).
 */
@Global()
@Module({})
export class CoreModule {
  static forRoot<DB>(rt: Runtime<DB>): DynamicModule {
    const providers = [
      { provide: CONFIG, useValue: rt.config },
      { provide: LOGGER, useValue: rt.log },
      { provide: NATS, useValue: rt.nc },
      { provide: KYSELY, useValue: rt.db },
      { provide: EVENT_STORE, useValue: rt.store },
      { provide: BUCKETS, useValue: rt.buckets },
      { provide: Metrics, useValue: rt.metrics },
      { provide: REVOCATIONS, useValue: rt.revocations },
      { provide: MAIL_QUEUE, useValue: rt.mail },
      { provide: AggregateRepository, useValue: new AggregateRepository(rt.store, rt.metrics) },
      { provide: RATE_LIMITER, useValue: new PgRateLimiter(rt.db as Kysely<unknown>, rt.log.child({ component: 'rate-limits' })) },
      // Load shedding, HTTP and NATS together: see infra's Admission. Refused callers retry after ~half a second.
      { provide: Admission, useValue: new Admission(rt.config.maxInFlight, 500) },
      CommandRunner,
    ];
    return { module: CoreModule, providers, exports: providers.map((p) => ('provide' in p ? p.provide : p)) };
  }
}
