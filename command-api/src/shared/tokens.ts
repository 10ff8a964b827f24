/**
 * Injection tokens for the runtime objects app.ts creates (esbuild emits no decorator metadata, so every
 * constructor dependency is injected by an explicit token).
 */
export const NATS = Symbol('NatsConnection');
export const KYSELY = Symbol('Kysely');
export const CONFIG = Symbol('CommandApiConfig');
export const LOGGER = Symbol('Logger');
/** The RevocationWatch (infra) mirroring KV natter_revoked. */
export const REVOCATIONS = Symbol('RevocationWatch');
