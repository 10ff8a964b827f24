import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Kysely } from 'kysely';
import type { RevocationWatch } from '@natter/infra/runtime';
import type { Logger } from 'pino';
import type { CommandApiConfig } from '../config';
import type { AuthDB } from '../accounts/auth.tables';
import { AggregateRepository } from './aggregates';
import { DEDUPE_RECORDS, type DedupeRecords } from '../messages/dedupe-records';
import { BUCKETS, type CommandBuckets } from './buckets';
import { CommandRunner } from './command-runner';
import type { EventStore } from './event-store';
import { EVENT_STORE } from './event-store.provider';
import { Metrics } from './metrics';
import { LOGIN_LIMITER, loginLimiter, SEND_LIMITER, sendLimiter } from './rate-limiter';
import { CONFIG, KYSELY, LOGGER, NATS, REVOCATIONS } from './tokens';

/** What app.ts connects before Nest starts; handed to Nest as values. */
export interface Runtime {
  config: CommandApiConfig;
  log: Logger;
  nc: NatsConnection;
  db: Kysely<AuthDB>;
  store: EventStore;
  buckets: CommandBuckets;
  /** KV natter_msg_dedupe for sends. */
  dedupe: DedupeRecords;
  metrics: Metrics;
  /** Revoked sessions and users as every instance sees them (ready before Nest starts). */
  revocations: RevocationWatch;
}

/** Connections, the event store, aggregate loading, limiters and metrics, visible to every module. */
@Global()
@Module({})
export class CoreModule {
  static forRoot(rt: Runtime): DynamicModule {
    const providers = [
      { provide: CONFIG, useValue: rt.config },
      { provide: LOGGER, useValue: rt.log },
      { provide: NATS, useValue: rt.nc },
      { provide: KYSELY, useValue: rt.db },
      { provide: EVENT_STORE, useValue: rt.store },
      { provide: BUCKETS, useValue: rt.buckets },
      { provide: DEDUPE_RECORDS, useValue: rt.dedupe },
      { provide: Metrics, useValue: rt.metrics },
      { provide: REVOCATIONS, useValue: rt.revocations },
      { provide: AggregateRepository, useValue: new AggregateRepository(rt.store, rt.metrics) },
      { provide: LOGIN_LIMITER, useValue: loginLimiter() },
      { provide: SEND_LIMITER, useValue: sendLimiter(rt.config.sendsPerSecond) },
      CommandRunner,
    ];
    return { module: CoreModule, providers, exports: providers.map((p) => ('provide' in p ? p.provide : p)) };
  }
}
