import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateJwtKeyPem } from '@natter/infra/testing';

/**
 * The token signing key pair for a local deployment: generated once into `<dir>/jwt-*.pem` (mode 600) and
 * reused, so tokens stay valid across restarts. Never committed (.data/ is ignored).
 */
export async function ensureJwtKeys(dir: string): Promise<{ privateKeyFile: string; publicKeyFile: string }> {
  await mkdir(dir, { recursive: true });
  const privateKeyFile = join(dir, 'jwt-private.pem');
  const publicKeyFile = join(dir, 'jwt-public.pem');
  const have = await readFile(privateKeyFile, 'utf8').then(() => true, () => false);
  if (!have) {
    const { privateKeyPem, publicKeyPem } = await generateJwtKeyPem();
    await writeFile(privateKeyFile, privateKeyPem, { mode: 0o600 });
    await writeFile(publicKeyFile, publicKeyPem);
    await chmod(privateKeyFile, 0o600);
  }
  return { privateKeyFile, publicKeyFile };
}

/**
 * The Web Push (VAPID) key pair of a local deployment, generated once into `<dir>/vapid-*.key` and reused:
 * browsers' subscriptions are bound to the public key, so a new pair would silence every subscribed browser.
 */
export async function ensureVapidKeys(dir: string): Promise<{ vapidPrivateKeyFile: string; vapidPublicKeyFile: string }> {
  await mkdir(dir, { recursive: true });
  const vapidPrivateKeyFile = join(dir, 'vapid-private.key');
  const vapidPublicKeyFile = join(dir, 'vapid-public.key');
  const have = await readFile(vapidPrivateKeyFile, 'utf8').then(() => true, () => false);
  if (!have) {
    const { generateVapidKeys } = await import('@natter/projectors');
    const { publicKey, privateKey } = generateVapidKeys();
    await writeFile(vapidPrivateKeyFile, privateKey, { mode: 0o600 });
    await writeFile(vapidPublicKeyFile, publicKey);
    await chmod(vapidPrivateKeyFile, 0o600);
  }
  return { vapidPrivateKeyFile, vapidPublicKeyFile };
}
