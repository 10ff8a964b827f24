import { createPublicKey, verify as verifySignature, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { errors, importPKCS8, importSPKI, jwtVerify, SignJWT, type CryptoKey } from 'jose';
import { AccessClaims, Limits, NatterError } from '@natter/contracts';

/**
 * Access tokens are EdDSA JWTs signed by command-api and verified locally by query-api and the edges with the
 * public key alone. Keys come from the environment (PEM text, or a file path in the *_FILE variant).
 */
const ISSUER = 'natter';

function pemFrom(env: NodeJS.ProcessEnv, name: string): string | undefined {
  if (env[name]) return env[name]!.replace(/\\n/g, '\n');
  const file = env[`${name}_FILE`];
  return file ? readFileSync(file, 'utf8') : undefined;
}

/** The verify key's SPKI PEM (services read it into their config at start, so a missing key fails fast). */
export function readPublicKeyPem(env: NodeJS.ProcessEnv = process.env): string {
  const pem = pemFrom(env, 'NATTER_JWT_PUBLIC_KEY');
  if (!pem) throw new Error('NATTER_JWT_PUBLIC_KEY or NATTER_JWT_PUBLIC_KEY_FILE must be set');
  return pem;
}

export async function loadVerifyKey(env: NodeJS.ProcessEnv = process.env): Promise<CryptoKey> {
  return importSPKI(readPublicKeyPem(env), 'EdDSA');
}

/** The verify key as a node:crypto KeyObject, for verifyAccessTokenSync. */
export function loadVerifyKeyObject(env: NodeJS.ProcessEnv = process.env): KeyObject {
  const key = createPublicKey(readPublicKeyPem(env));
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`NATTER_JWT_PUBLIC_KEY must be an Ed25519 key, not ${key.asymmetricKeyType}`);
  return key;
}

export async function loadSigningKey(env: NodeJS.ProcessEnv = process.env): Promise<CryptoKey> {
  const pem = pemFrom(env, 'NATTER_JWT_PRIVATE_KEY');
  if (!pem) throw new Error('NATTER_JWT_PRIVATE_KEY or NATTER_JWT_PRIVATE_KEY_FILE must be set');
  return importPKCS8(pem, 'EdDSA');
}

export async function signAccessToken(key: CryptoKey, claims: AccessClaims, ttlSeconds = Limits.accessTokenSeconds): Promise<{ token: string; expiresAt: Date }> {
  const expiresAt = new Date(Date.now() + ttlSeconds * 1000);
  const token = await new SignJWT({ sid: claims.sid, usr: claims.usr, ...(claims.adm ? { adm: true } : {}) })
    .setProtectedHeader({ alg: 'EdDSA' })
    .setSubject(claims.sub)
    .setIssuer(ISSUER)
    .setIssuedAt()
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .sign(key);
  return { token, expiresAt };
}

/** Verify signature, issuer and expiry; throws NatterError `token_expired` or `unauthenticated`. */
export async function verifyAccessToken(key: CryptoKey, token: string | undefined | null): Promise<AccessClaims> {
  if (!token) throw new NatterError('unauthenticated');
  try {
    const { payload } = await jwtVerify(token, key, { issuer: ISSUER, algorithms: ['EdDSA'] });
    return AccessClaims.parse(payload);
  } catch (err) {
    if (err instanceof errors.JWTExpired) throw new NatterError('token_expired', undefined, undefined, { cause: err });
    throw new NatterError('unauthenticated', undefined, undefined, { cause: err });
  }
}

/**
 * verifyAccessToken's checks, synchronously, with node:crypto's Ed25519: compact JWS, header alg EdDSA and no
 * `crit`, signature, issuer, exp (expired when exp <= now, as jose), nbf, then the claims schema. Returns the
 * claims and the expiry in ms.
 *
 * Why a second verifier: the edge must accept a WebSocket inside uWS's upgrade handler. Completing the upgrade
 * later (`res.cork(() => res.upgrade(...))` after jose's promise) can close the new socket a moment after it
 * opened (uNetworking/uWebSockets#1928, fixed upstream by #1929, not in the uWS.js build for Node 20): the tests
 * saw it as random 1006 closes. Tokens are still signed by jose; access-token.spec.ts holds the two verifiers to
 * the same answers.
 */
export function verifyAccessTokenSync(key: KeyObject, token: string | undefined | null, nowMs = Date.now()): AccessClaims & { expiresAtMs: number } {
  if (!token) throw new NatterError('unauthenticated');
  const parts = token.split('.');
  if (parts.length !== 3) throw new NatterError('unauthenticated');
  const [h, p, sig] = parts as [string, string, string];
  const header = decodeJsonPart(h);
  if (header.alg !== 'EdDSA' || header.crit !== undefined) throw new NatterError('unauthenticated');
  const signature = Buffer.from(sig, 'base64url');
  if (signature.length !== 64 || !verifySignature(null, Buffer.from(`${h}.${p}`), key, signature)) throw new NatterError('unauthenticated');
  const payload = decodeJsonPart(p);
  const now = Math.floor(nowMs / 1000);
  if (payload.iss !== ISSUER || typeof payload.exp !== 'number') throw new NatterError('unauthenticated');
  if (payload.nbf !== undefined && (typeof payload.nbf !== 'number' || payload.nbf > now)) throw new NatterError('unauthenticated');
  if (payload.exp <= now) throw new NatterError('token_expired');
  const claims = AccessClaims.safeParse(payload);
  if (!claims.success) throw new NatterError('unauthenticated');
  return { ...claims.data, expiresAtMs: payload.exp * 1000 };
}

function decodeJsonPart(part: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // fall through: not JSON
  }
  throw new NatterError('unauthenticated');
}

/** `Authorization: Bearer <token>` -> token, or undefined. */
export function bearerToken(header: string | string[] | undefined): string | undefined {
  const h = Array.isArray(header) ? header[0] : header;
  const m = h?.match(/^Bearer\s+(\S+)$/i);
  return m?.[1];
}
