export { startCommandApi } from './app';
export type { RunningCommandApi } from './app';
export { loadConfig } from './config';
export type { CommandApiConfig } from './config';
