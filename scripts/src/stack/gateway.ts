import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stopChild } from '@natter/infra/provision';

const template = fileURLToPath(new URL('../../../infra/gateway/nginx.conf.template', import.meta.url));
export const webDist = fileURLToPath(new URL('../../../web-client/dist', import.meta.url));

export interface GatewayOptions {
  dir: string;
  host: string;
  port: number;
  commandPorts: number[];
  queryPorts: number[];
  edgePorts: number[];
  webRoot?: string;
  accessLog?: boolean;
}

/** Render the nginx config for these upstream ports and start nginx in the foreground (we own its life). */
export async function startGateway(o: GatewayOptions): Promise<{ url: string; proc: ChildProcess; stop(): Promise<void> }> {
  await mkdir(join(o.dir, 'tmp'), { recursive: true });
  const servers = (ports: number[]) => ports.map((p) => `server 127.0.0.1:${p};`).join(' ');
  const webRoot = o.webRoot ?? (existsSync(join(webDist, 'index.html')) ? webDist : await placeholderRoot(o.dir));
  const conf = (await readFile(template, 'utf8'))
    .replaceAll('{{WORKERS}}', '1')
    .replaceAll('{{DIR}}', o.dir)
    // As root, workers would run as nobody and could not use our temp dirs: keep them as the launching user.
    .replaceAll('{{USER}}', process.getuid?.() === 0 ? 'user root root;' : '')
    .replaceAll('{{MIME_TYPES}}', '/etc/nginx/mime.types')
    .replaceAll('{{ACCESS_LOG}}', o.accessLog ? `${o.dir}/access.log` : 'off')
    .replaceAll('{{COMMAND_SERVERS}}', servers(o.commandPorts))
    .replaceAll('{{QUERY_SERVERS}}', servers(o.queryPorts))
    .replaceAll('{{EDGE_SERVERS}}', servers(o.edgePorts))
    .replaceAll('{{LISTEN}}', `${o.host}:${o.port}`)
    .replaceAll('{{WEB_ROOT}}', webRoot);
  const confPath = join(o.dir, 'nginx.conf');
  await writeFile(confPath, conf);
  const proc = spawn(nginxBin(), ['-p', o.dir, '-c', confPath, '-e', join(o.dir, 'error.log')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr?.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
  const url = `http://${o.host}:${o.port}`;
  const until = Date.now() + 15_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`nginx exited: ${stderr}`);
    const ok = await fetch(url + '/', { signal: AbortSignal.timeout(1000) }).then((r) => r.status < 500, () => false);
    if (ok) break;
    if (Date.now() > until) throw new Error(`nginx did not answer on ${url}: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    proc,
    stop: () => stopChild(proc, 'SIGQUIT', 5000), // graceful: finish open requests
  };
}

export function nginxBin(): string {
  return process.env.NGINX_BIN ?? (existsSync('/usr/sbin/nginx') ? '/usr/sbin/nginx' : 'nginx');
}

async function placeholderRoot(dir: string): Promise<string> {
  const root = join(dir, 'placeholder');
  await mkdir(root, { recursive: true });
  await writeFile(join(root, 'index.html'), '<!doctype html><title>Natter</title><p>The web client is not built yet: run <code>npm run build -w web-client</code>.</p>');
  return root;
}
