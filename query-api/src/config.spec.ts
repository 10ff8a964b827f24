import { describe, expect, it } from 'vitest';
import { loadConfig } from './config';

const key = '-----BEGIN PUBLIC KEY-----\\nabc\\n-----END PUBLIC KEY-----';

describe('loadConfig', () => {
  it('applies the documented defaults and freezes', () => {
    const c = loadConfig({ NATTER_JWT_PUBLIC_KEY: key });
    expect(c).toMatchObject({ natsUrl: 'nats://127.0.0.1:4222', databaseUrl: 'postgres://postgres@127.0.0.1:5432/natter', host: '127.0.0.1', port: 3002, logLevel: 'info' });
    expect(c.jwtPublicKeyPem).toContain('\nabc\n');
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('fails fast on missing or bad values', () => {
    expect(() => loadConfig({})).toThrow(/NATTER_JWT_PUBLIC_KEY/);
    expect(() => loadConfig({ NATTER_JWT_PUBLIC_KEY: key, QUERY_API_PORT: 'x' })).toThrow(/QUERY_API_PORT/);
    expect(() => loadConfig({ NATTER_JWT_PUBLIC_KEY: key, DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL/);
    expect(() => loadConfig({ NATTER_JWT_PUBLIC_KEY: key, NATS_URL: 'nats://a:1,http://b' })).toThrow(/NATS_URL/);
    expect(() => loadConfig({ NATTER_JWT_PUBLIC_KEY: key, LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL/);
  });
});
