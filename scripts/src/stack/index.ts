export { startStack } from './stack';
export type { Stack, StackOptions, ServiceProcess, NatsNode } from './stack';
export { startGateway, webDist } from './gateway';
export { ensureJwtKeys } from './keys';
export { Supervisor, Unit, defaultRestartPolicy } from './supervisor';
export type { GiveUp, RestartPolicy, UnitSpec, UnitRun } from './supervisor';
