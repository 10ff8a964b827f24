import { loadSigningKey, loadVerifyKeyObject, signAccessToken } from '@natter/infra/runtime';
import { generateJwtKeyPem } from '@natter/infra/testing';
import { describe, expect, it } from 'vitest';
import { VerifiedTokens } from './verified-tokens';

describe('VerifiedTokens', () => {
  it('answers a token seen before from its digest, still refuses it once expired, and never trusts a changed one', async () => {
    const pem = await generateJwtKeyPem();
    const sign = await loadSigningKey({ NATTER_JWT_PRIVATE_KEY: pem.privateKeyPem });
    const tokens = new VerifiedTokens(loadVerifyKeyObject({ NATTER_JWT_PUBLIC_KEY: pem.publicKeyPem }), 2);
    const { token } = await signAccessToken(sign, { sub: 'u1', sid: 's1', usr: 'u1' }, 60);
    const first = tokens.verify(token);
    expect(first).toMatchObject({ sub: 'u1', sid: 's1' });
    expect(tokens.verify(token)).toBe(first); // the cached claims
    // One character of the signature changed (in its middle: the last ones carry padding bits).
    const at = token.lastIndexOf('.') + 20;
    const changed = `${token.slice(0, at)}${token[at] === 'A' ? 'B' : 'A'}${token.slice(at + 1)}`;
    expect(() => tokens.verify(changed)).toThrow(expect.objectContaining({ code: 'unauthenticated' }));
    expect(() => tokens.verify(token, first.expiresAtMs + 1)).toThrow(expect.objectContaining({ code: 'token_expired' }));
    expect(() => tokens.verify(undefined)).toThrow(expect.objectContaining({ code: 'unauthenticated' }));
  });
});
