export { freePort, waitFor } from './ports';
export { startNats, startNatsCluster, waitForJetStream } from './nats-server';
export type { NatsServerHandle, NatsClusterHandle } from './nats-server';
export { createTestDatabase, ensureTestPostgres } from './postgres';
export type { TestDatabase } from './postgres';
export { generateJwtKeyPem } from './jwt-keys';
export { selfTimes, formatTop } from './cpu-profile';
export type { CpuProfile } from './cpu-profile';
