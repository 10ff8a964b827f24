import { describe, expect, it } from 'vitest';
import { loadConfig } from './config';

describe('projectors config', () => {
  it('sizes the Postgres pool from PROJECTORS_DB_POOL_MAX (default 10) and refuses a bad value', () => {
    expect(loadConfig({}).dbPoolMax).toBe(10);
    expect(loadConfig({ PROJECTORS_DB_POOL_MAX: '24' }).dbPoolMax).toBe(24);
    expect(() => loadConfig({ PROJECTORS_DB_POOL_MAX: '0' })).toThrow(/PROJECTORS_DB_POOL_MAX/);
    expect(() => loadConfig({ PROJECTORS_DB_POOL_MAX: 'lots' })).toThrow(/PROJECTORS_DB_POOL_MAX/);
  });
});
