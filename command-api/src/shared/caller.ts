import type { CallerAuth } from '@natter/contracts';

/** Who runs a command: from a verified access token (HTTP) or the edge's request (NATS). */
export type Caller = CallerAuth;
