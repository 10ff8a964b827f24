import { describe, expect, it } from 'vitest';
import { loadConfig } from './config';

describe('projectors config', () => {
  it('sizes the Postgres pool from PROJECTORS_DB_POOL_MAX (default 10) and refuses a bad value', () => {
    expect(loadConfig({}).dbPoolMax).toBe(10);
    expect(loadConfig({ PROJECTORS_DB_POOL_MAX: '24' }).dbPoolMax).toBe(24);
    expect(() => loadConfig({ PROJECTORS_DB_POOL_MAX: '0' })).toThrow(/PROJECTORS_DB_POOL_MAX/);
    expect(() => loadConfig({ PROJECTORS_DB_POOL_MAX: 'lots' })).toThrow(/PROJECTORS_DB_POOL_MAX/);
  });

  it('lingers per projection: chat 20 ms, search 250, notifications 100, each from its own variable', () => {
    expect(loadConfig({}).batchLingerMs).toEqual({ chat: 20, search: 250, notifications: 100 });
    expect(loadConfig({ PROJECTOR_BATCH_LINGER_MS: '5', PROJECTOR_SEARCH_LINGER_MS: '0', PROJECTOR_NOTIFICATIONS_LINGER_MS: '40' }).batchLingerMs).toEqual({ chat: 5, search: 0, notifications: 40 });
    expect(() => loadConfig({ PROJECTOR_SEARCH_LINGER_MS: '-1' })).toThrow(/PROJECTOR_SEARCH_LINGER_MS/);
  });
});
