/** The realtime module: WebSocket client, resume, timelines and outbox. Framework-free. */
export { RealtimeClient, type RealtimeOptions, type UserEventListener } from './client';
export { parseFrame } from './frames';
export { Timelines, eventToItem, ownEventTypes, type RoomTimeline, type EventToItem } from './timeline';
export { emptyThread, mergeThreadPage, applyToThread, type ThreadState } from './threads';
export { Outbox } from './outbox';
export { LiveSignals, typingLine, TYPING_SHOW_MS } from './signals';
export { backoffDelay } from './backoff';
export { persistTimelines } from './persist';
export { openNatterDb, deleteNatterDb, idbOutboxStore, idbTimelineStore, idbCache, type KeyValueCache, type NatterDatabase } from './idb-store';
export { memoryOutboxStore, memoryTimelineStore } from './memory-store';
export { newClientId } from './ids';
export type * from './types';
export { messageToItem } from './types';
export { wsUrl, browserSocket, attachBrowserTriggers } from './browser';
