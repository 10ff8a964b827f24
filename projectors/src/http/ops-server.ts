import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface OpsHandlers {
  /** Dependencies reachable? `ok` false answers 503. */
  ready(): Promise<{ ok: boolean; [k: string]: unknown }>;
  metrics: { contentType: string; render(): Promise<string> };
}

/** `/healthz` (process up), `/readyz` (NATS and Postgres reachable), `/metrics` (Prometheus text). */
export async function startOpsServer(host: string, port: number, h: OpsHandlers): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return json(405, { error: { code: 'method_not_allowed', message: 'GET only' } });
    if (path === '/healthz') return json(200, { ok: true });
    if (path === '/readyz') {
      h.ready().then((r) => json(r.ok ? 200 : 503, r), (err) => json(503, { ok: false, error: String(err) }));
      return;
    }
    if (path === '/metrics') {
      h.metrics.render().then(
        (text) => {
          res.writeHead(200, { 'content-type': h.metrics.contentType });
          res.end(text);
        },
        (err) => json(500, { error: { code: 'internal', message: String(err) } }),
      );
      return;
    }
    json(404, { error: { code: 'not_found', message: 'not found' } });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return { server, port: (server.address() as AddressInfo).port };
}
