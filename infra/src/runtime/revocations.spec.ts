import { describe, expect, it } from 'vitest';
import { Limits } from '@natter/contracts';
import { RevocationSet } from './revocations';

const rec = (expiresAt: number) => JSON.stringify({ revokedAt: new Date(0).toISOString(), expiresAt: new Date(expiresAt).toISOString() });

describe('RevocationSet', () => {
  const now = 1_000_000;

  it('apply names whom an entry revokes, only while it is in force', () => {
    const s = new RevocationSet();
    expect(s.apply('sid.s9', 'PUT', rec(now + 1000), now)).toEqual({ sessionId: 's9' });
    expect(s.apply('user.u9', 'PUT', 'not json', now)).toEqual({ userId: 'u9' });
    expect(s.apply('sid.s8', 'PUT', rec(now - 1), now)).toBeUndefined();
    expect(s.apply('sid.s9', 'DEL', '', now)).toBeUndefined();
    expect(s.apply('other.x', 'PUT', rec(now + 1000), now)).toBeUndefined();
  });

  it('holds session and user revocations apart until their expiresAt', () => {
    const s = new RevocationSet();
    s.apply('sid.s1', 'PUT', rec(now + 1000), now);
    s.apply('user.u1', 'PUT', rec(now + 1000), now);
    expect(s.isRevoked('s1', now)).toBe(true);
    expect(s.isUserRevoked('u1', now)).toBe(true);
    expect(s.isRevoked('u1', now)).toBe(false);
    expect(s.isUserRevoked('s1', now)).toBe(false);
    expect(s.isRevoked('s1', now + 1000)).toBe(false);
    expect(s.size).toBe(1);
    s.prune(now + 1000);
    expect(s.size).toBe(0);
  });

  it('ignores entries already expired, forgets deleted keys, and ignores foreign keys', () => {
    const s = new RevocationSet();
    s.apply('sid.old', 'PUT', rec(now - 1), now);
    expect(s.isRevoked('old', now)).toBe(false);
    s.apply('sid.s2', 'PUT', rec(now + 1000), now);
    s.apply('sid.s2', 'DEL', '', now);
    expect(s.isRevoked('s2', now)).toBe(false);
    s.apply('other.x', 'PUT', rec(now + 1000), now);
    s.apply('nodot', 'PUT', rec(now + 1000), now);
    expect(s.size).toBe(0);
  });

  it('a later put moves the expiry; an unreadable value fails closed for a token lifetime', () => {
    const s = new RevocationSet();
    s.apply('sid.s3', 'PUT', rec(now + 10), now);
    s.apply('sid.s3', 'PUT', rec(now + 5000), now);
    expect(s.isRevoked('s3', now + 100)).toBe(true);
    s.apply('sid.bad', 'PUT', 'not json', now);
    expect(s.isRevoked('bad', now + Limits.accessTokenSeconds * 1000)).toBe(true);
  });
});
