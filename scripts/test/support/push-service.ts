import { execFileSync } from 'node:child_process';
import { createECDH, createDecipheriv, createPublicKey, hkdfSync, randomBytes, verify, type ECDH } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One push message as the push service received it, decrypted and checked. */
export interface ReceivedPush {
  subscription: string;
  payload: any;
  topic: string | undefined;
  ttl: number;
  urgency: string | undefined;
  /** The VAPID JWT's claims, after its ES256 signature was verified with the key in the header. */
  vapid: { aud: string; exp: number; sub: string; publicKey: string };
  at: number;
}

interface Sub {
  ecdh: ECDH;
  auth: Buffer;
  /** Statuses to answer instead of 201, one per request (then 201 again). */
  failures: number[];
  /** Answer this status to every request from now on (a dead endpoint: 404/410). */
  gone?: number;
}

const b64u = (b: Buffer) => b.toString('base64url');
const hkdf = (salt: Buffer, ikm: Buffer, info: Buffer, len: number) => Buffer.from(hkdfSync('sha256', ikm, salt, info, len));

/**
 * A Web Push service of the test's own, on 127.0.0.1 over https (a self-signed certificate made with openssl;
 * the projector trusts it through NOTIFY_PUSH_CA_FILE). It plays the browser's part too: it makes each
 * subscription's P-256 key pair and auth secret, so it can decrypt what it receives (RFC 8291, aes128gcm) and
 * check the VAPID signature (RFC 8292), as a real push service and browser would. Nothing here is mocked:
 * a payload that is not encrypted right does not decrypt, and the request is answered 400.
 */
export class LocalPushService {
  readonly received: ReceivedPush[] = [];
  readonly rejected: string[] = [];
  /** Answer each request this late (a slow push service: keeps sends in flight, for the kill -9 test). */
  delayMs = 0;
  private readonly subs = new Map<string, Sub>();
  private constructor(
    private readonly server: Server,
    readonly origin: string,
    readonly caFile: string,
    private readonly dir: string,
  ) {}

  static async start(): Promise<LocalPushService> {
    const dir = mkdtempSync(join(tmpdir(), 'natter-push-'));
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    let self!: LocalPushService;
    const server = createServer({ key: readFileSync(key), cert: readFileSync(cert) }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const [status, why] = self.handle(req.method ?? '', req.url ?? '', req.headers as Record<string, string | undefined>, Buffer.concat(chunks));
        if (status >= 400) self.rejected.push(`${status} ${why}`);
        setTimeout(() => res.writeHead(status).end(why), self.delayMs);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    self = new LocalPushService(server, `https://127.0.0.1:${(server.address() as AddressInfo).port}`, cert, dir);
    return self;
  }

  /** A new browser subscription: what `PushSubscription.toJSON()` would give. */
  subscribe(): { endpoint: string; keys: { p256dh: string; auth: string } } {
    const id = randomBytes(8).toString('hex');
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    const sub: Sub = { ecdh, auth: randomBytes(16), failures: [] };
    this.subs.set(id, sub);
    return { endpoint: `${this.origin}/push/${id}`, keys: { p256dh: b64u(ecdh.getPublicKey()), auth: b64u(sub.auth) } };
  }

  /** The next `statuses.length` requests to this endpoint are answered with these statuses. */
  failNext(endpoint: string, ...statuses: number[]): void {
    this.subs.get(endpoint.split('/').pop()!)!.failures.push(...statuses);
  }

  /** From now on the endpoint answers `status` (404 or 410: the browser unsubscribed). */
  kill(endpoint: string, status = 410): void {
    this.subs.get(endpoint.split('/').pop()!)!.gone = status;
  }

  for(endpoint: string): ReceivedPush[] {
    const id = endpoint.split('/').pop()!;
    return this.received.filter((r) => r.subscription === id);
  }

  private handle(method: string, url: string, h: Record<string, string | undefined>, body: Buffer): [number, string] {
    const m = /^\/push\/([0-9a-f]+)$/.exec(url);
    const sub = m && this.subs.get(m[1]);
    if (method !== 'POST' || !sub) return [404, 'no such subscription'];
    if (sub.gone) return [sub.gone, 'gone'];
    const failure = sub.failures.shift();
    if (failure) return [failure, 'failing on purpose'];
    if (h['content-encoding'] !== 'aes128gcm') return [400, `content-encoding ${h['content-encoding']}`];
    const ttl = Number(h.ttl);
    if (!Number.isInteger(ttl) || ttl < 0) return [400, 'TTL header missing'];
    let vapid: ReceivedPush['vapid'];
    try {
      vapid = this.checkVapid(h.authorization ?? '');
    } catch (err) {
      return [401, `vapid: ${(err as Error).message}`];
    }
    try {
      const payload = JSON.parse(decryptAes128gcm(body, sub.ecdh, sub.auth).toString('utf8'));
      this.received.push({ subscription: m[1], payload, topic: h.topic, ttl, urgency: h.urgency, vapid, at: Date.now() });
      return [201, ''];
    } catch (err) {
      return [400, `decrypt: ${(err as Error).message}`];
    }
  }

  /** `Authorization: vapid t=<JWT>, k=<P-256 public key>`: ES256 signature, audience = our origin, not expired. */
  private checkVapid(header: string): ReceivedPush['vapid'] {
    const t = /t=([^,\s]+)/.exec(header)?.[1];
    const k = /k=([^,\s]+)/.exec(header)?.[1];
    if (!header.startsWith('vapid ') || !t || !k) throw new Error('not a vapid authorization');
    const [h64, c64, s64] = t.split('.');
    const point = Buffer.from(k, 'base64url');
    const key = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: b64u(point.subarray(1, 33)), y: b64u(point.subarray(33, 65)) }, format: 'jwk' });
    if (!verify('sha256', Buffer.from(`${h64}.${c64}`), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(s64, 'base64url'))) throw new Error('bad signature');
    const claims = JSON.parse(Buffer.from(c64, 'base64url').toString());
    if (claims.aud !== this.origin) throw new Error(`aud ${claims.aud}`);
    if (!(claims.exp * 1000 > Date.now())) throw new Error('expired');
    return { aud: claims.aud, exp: claims.exp, sub: claims.sub, publicKey: k };
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * RFC 8291 (Message Encryption for Web Push) over RFC 8188 (aes128gcm), as the browser decrypts: the header
 * carries the salt, the record size and the sender's ephemeral public key; one record, padding delimiter 2.
 */
export function decryptAes128gcm(body: Buffer, ua: ECDH, authSecret: Buffer): Buffer {
  const salt = body.subarray(0, 16);
  const idlen = body[20];
  const asPublic = body.subarray(21, 21 + idlen);
  const record = body.subarray(21 + idlen);
  const ecdhSecret = ua.computeSecret(asPublic);
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), ua.getPublicKey(), asPublic]);
  const ikm = hkdf(authSecret, ecdhSecret, keyInfo, 32);
  const cek = hkdf(salt, ikm, Buffer.from('Content-Encoding: aes128gcm\0'), 16);
  const nonce = hkdf(salt, ikm, Buffer.from('Content-Encoding: nonce\0'), 12);
  const d = createDecipheriv('aes-128-gcm', cek, nonce);
  d.setAuthTag(record.subarray(record.length - 16));
  const plain = Buffer.concat([d.update(record.subarray(0, record.length - 16)), d.final()]);
  let end = plain.length - 1;
  while (end >= 0 && plain[end] === 0) end--;
  if (plain[end] !== 2) throw new Error('no last-record padding delimiter');
  return plain.subarray(0, end);
}
