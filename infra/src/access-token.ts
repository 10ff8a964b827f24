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

export async function loadVerifyKey(env: NodeJS.ProcessEnv = process.env): Promise<CryptoKey> {
  const pem = pemFrom(env, 'NATTER_JWT_PUBLIC_KEY');
  if (!pem) throw new Error('NATTER_JWT_PUBLIC_KEY or NATTER_JWT_PUBLIC_KEY_FILE must be set');
  return importSPKI(pem, 'EdDSA');
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

/** `Authorization: Bearer <token>` -> token, or undefined. */
export function bearerToken(header: string | string[] | undefined): string | undefined {
  const h = Array.isArray(header) ? header[0] : header;
  const m = h?.match(/^Bearer\s+(\S+)$/i);
  return m?.[1];
}
