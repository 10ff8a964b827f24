import { createPrivateKey, sign } from 'node:crypto';
import { SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { NatterError } from '@natter/contracts';
import { generateJwtKeyPem } from '../testing/jwt-keys';
import { loadSigningKey, loadVerifyKey, loadVerifyKeyObject, signAccessToken, verifyAccessToken, verifyAccessTokenSync } from './access-token';

type Keys = { pem: string; sign: Awaited<ReturnType<typeof loadSigningKey>>; verify: Awaited<ReturnType<typeof loadVerifyKey>>; object: ReturnType<typeof loadVerifyKeyObject> };
let keys: Keys;
let otherKeys: Keys;

async function keyPair(): Promise<Keys> {
  const pem = await generateJwtKeyPem();
  const env = { NATTER_JWT_PRIVATE_KEY: pem.privateKeyPem, NATTER_JWT_PUBLIC_KEY: pem.publicKeyPem };
  return { pem: pem.privateKeyPem, sign: await loadSigningKey(env), verify: await loadVerifyKey(env), object: loadVerifyKeyObject(env) };
}

beforeAll(async () => {
  keys = await keyPair();
  otherKeys = await keyPair();
});

/** What each verifier answers: the claims, or the NatterError code it threw. */
async function bothVerdicts(token: string | undefined): Promise<{ jose: unknown; sync: unknown }> {
  const code = (err: unknown) => (err instanceof NatterError ? err.code : `not a NatterError: ${String(err)}`);
  const jose = await verifyAccessToken(keys.verify, token).catch(code);
  let sync: unknown;
  try {
    const { expiresAtMs: _ignored, ...claims } = verifyAccessTokenSync(keys.object, token);
    sync = claims;
  } catch (err) {
    sync = code(err);
  }
  return { jose, sync };
}

const claims = { sub: 'u1', sid: 's1', usr: 'alice' };
const flip = (s: string) => s.slice(0, -2) + (s.at(-2) === 'A' ? 'B' : 'A') + s.at(-1);

describe('verifyAccessTokenSync', () => {
  it('accepts what signAccessToken signs, with the same claims as jose and the expiry in ms', async () => {
    const { token, expiresAt } = await signAccessToken(keys.sign, { ...claims, adm: true }, 60);
    expect(await bothVerdicts(token)).toEqual({ jose: { ...claims, adm: true }, sync: { ...claims, adm: true } });
    expect(verifyAccessTokenSync(keys.object, token).expiresAtMs).toBe(Math.floor(expiresAt.getTime() / 1000) * 1000);
  });

  it('refuses exactly what jose refuses, with the same error code', async () => {
    const { token } = await signAccessToken(keys.sign, claims, 60);
    const [h, p, s] = token.split('.') as [string, string, string];
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const signed = (payload: Record<string, unknown>, key = keys.sign) => new SignJWT(payload).setProtectedHeader({ alg: 'EdDSA' }).sign(key);
    // Any header, validly signed (jose's SignJWT will not write an unknown crit).
    const signRaw = (header: object, payload: object) => {
      const input = `${b64(header)}.${b64(payload)}`;
      return `${input}.${sign(null, Buffer.from(input), createPrivateKey(keys.pem)).toString('base64url')}`;
    };
    const valid = { ...claims, iss: 'natter', exp: now + 60 };
    expect(await bothVerdicts(signRaw({ alg: 'EdDSA' }, valid))).toEqual({ jose: claims, sync: claims });
    const cases: Record<string, string | undefined> = {
      missing: undefined,
      empty: '',
      'two parts': `${h}.${p}`,
      garbage: 'a.b.c',
      'payload changed': `${h}.${b64({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), sub: 'u2' })}.${s}`,
      'signature changed': `${h}.${p}.${flip(s)}`,
      'alg none': `${b64({ alg: 'none' })}.${p}.`,
      'other key': (await signAccessToken(otherKeys.sign, claims, 60)).token,
      'wrong issuer': await signed({ ...claims, iss: 'someone', exp: now + 60 }),
      'not yet valid': await signed({ ...claims, iss: 'natter', exp: now + 120, nbf: now + 60 }),
      'claims missing': await signed({ sub: 'u1', iss: 'natter', exp: now + 60 }),
      'unknown crit header': signRaw({ alg: 'EdDSA', crit: ['x'], x: 1 }, valid),
      'header not an object': signRaw([1], valid),
    };
    for (const [name, token] of Object.entries(cases)) {
      const v = await bothVerdicts(token);
      expect({ name, ...v }).toEqual({ name, jose: 'unauthenticated', sync: 'unauthenticated' });
    }
    // Stricter than jose on one point: a token without exp (command-api never signs one) is refused.
    expect(await bothVerdicts(await signed({ ...claims, iss: 'natter' }))).toEqual({ jose: claims, sync: 'unauthenticated' });
  });

  it('an expired token is token_expired for both', async () => {
    const { token } = await signAccessToken(keys.sign, claims, -1);
    expect(await bothVerdicts(token)).toEqual({ jose: 'token_expired', sync: 'token_expired' });
    // ...and a valid one becomes expired at its exp second, not a second later
    const fresh = await signAccessToken(keys.sign, claims, 30);
    expect(() => verifyAccessTokenSync(keys.object, fresh.token, fresh.expiresAt.getTime())).toThrow(expect.objectContaining({ code: 'token_expired' }));
  });

  it('refuses a key that is not Ed25519', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(() => loadVerifyKeyObject({ NATTER_JWT_PUBLIC_KEY: rsa })).toThrow(/Ed25519/);
  });
});
