export { startStack } from './stack';
export type { Stack, StackOptions } from './stack';
export { startGateway, webDist } from './gateway';
export { ensureJwtKeys } from './keys';
