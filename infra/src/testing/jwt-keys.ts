import { exportPKCS8, exportSPKI, generateKeyPair } from 'jose';

/** A fresh Ed25519 key pair as PEM, for tests and for `npm run up` on first start. */
export async function generateJwtKeyPem(): Promise<{ privateKeyPem: string; publicKeyPem: string }> {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  return { privateKeyPem: await exportPKCS8(privateKey), publicKeyPem: await exportSPKI(publicKey) };
}
