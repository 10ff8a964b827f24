export { startEdge } from './app';
export type { EdgeHandle, EdgeOverrides } from './app';
export { loadConfig } from './config';
export type { EdgeConfig } from './config';
export type { LiveEvents, History, MembershipSource, CommandForwarder, LiveMessage, RawEvent } from './ports';
