import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ErrorCodes, FileLimits, NatterError, type ErrorCode } from '@natter/contracts';
import { spawnTied, stopChild } from '@natter/infra/provision';

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
  /** The upload route's body limit in bytes (default: contracts' FileLimits.fileMaxBytes; set FILES_MAX_BYTES alike). */
  uploadMaxBytes?: number;
}

export interface GatewayRun {
  url: string;
  proc: ChildProcess;
  stop(): Promise<void>;
}

/** Render the nginx config and start nginx (startGatewayRun); stop() ends it. */
export async function startGateway(o: GatewayOptions): Promise<GatewayRun> {
  return startGatewayRun(o, await writeGatewayConfig(o));
}

/** Render the nginx config for these upstream ports into `<dir>/nginx.conf`; returns its path. */
export async function writeGatewayConfig(o: GatewayOptions): Promise<string> {
  await mkdir(join(o.dir, 'tmp'), { recursive: true });
  // Passive health checks (nginx-light has no active ones): one failed connection takes a server out for 2 s.
  const servers = (ports: number[]) => ports.map((p) => `server 127.0.0.1:${p} max_fails=1 fail_timeout=2s;`).join(' ');
  const webRoot = o.webRoot ?? (existsSync(join(webDist, 'index.html')) ? webDist : await placeholderRoot(o.dir));
  const conf = (await readFile(template, 'utf8'))
    .replaceAll('{{WORKERS}}', '1')
    .replaceAll('{{DIR}}', o.dir)
    // As root, workers would run as nobody and could not use our temp dirs: keep them as the launching user.
    .replaceAll('{{USER}}', process.getuid?.() === 0 ? 'user root root;' : '')
    .replaceAll('{{MIME_TYPES}}', '/etc/nginx/mime.types')
    .replaceAll('{{ACCESS_LOG}}', o.accessLog ? `${o.dir}/access.log natter` : 'off')
    .replaceAll('{{COMMAND_SERVERS}}', servers(o.commandPorts))
    .replaceAll('{{QUERY_SERVERS}}', servers(o.queryPorts))
    .replaceAll('{{EDGE_SERVERS}}', servers(o.edgePorts))
    .replaceAll('{{LISTEN}}', `${o.host}:${o.port}`)
    .replaceAll('{{WEB_ROOT}}', webRoot)
    .replaceAll('{{ERROR_PAGES}}', errorPages())
    .replaceAll('{{UPLOAD_MAX_BODY}}', `${Math.ceil((o.uploadMaxBytes ?? FileLimits.fileMaxBytes) / 1024) + 64}k`);
  const confPath = join(o.dir, 'nginx.conf');
  await writeFile(confPath, conf);
  return confPath;
}

/**
 * Start nginx in the foreground with a rendered config (we own its life: spawnTied, so its workers go with
 * it) and wait until it answers. Aborting `signal` while it waits kills it.
 */
export async function startGatewayRun(o: Pick<GatewayOptions, 'dir' | 'host' | 'port'>, confPath: string, signal?: AbortSignal): Promise<GatewayRun> {
  const proc = spawnTied(nginxBin(), ['-p', o.dir, '-c', confPath, '-e', join(o.dir, 'error.log')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr?.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
  const abort = () => proc.kill('SIGKILL');
  signal?.addEventListener('abort', abort);
  const url = `http://${o.host}:${o.port}`;
  const until = Date.now() + 15_000;
  try {
    for (;;) {
      if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`nginx exited: ${stderr || `see ${join(o.dir, 'error.log')}`}`);
      const ok = await fetch(url + '/', { signal: AbortSignal.timeout(1000) }).then((r) => r.status < 500, () => false);
      if (ok) break;
      if (Date.now() > until) {
        await stopChild(proc, 'SIGKILL');
        throw new Error(`nginx did not answer on ${url}: ${stderr}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    signal?.removeEventListener('abort', abort);
  }
  return {
    url,
    proc,
    stop: () => stopChild(proc, 'SIGQUIT', 5000), // graceful: finish open requests
  };
}

/**
 * The errors nginx raises itself, each answered with contracts' error body and a code from the list: the
 * statuses nginx produces (494 is its "request header too large", answered 431) and the code for each. 502,
 * 503 and 504 go to the template's `@unavailable` (503 with Retry-After).
 */
const gatewayErrors: readonly [statuses: number[], code: ErrorCode][] = [
  [[400], 'bad_request'],
  [[404], 'not_found'],
  [[405], 'method_not_allowed'],
  [[408], 'request_timeout'],
  [[413], 'body_too_large'],
  [[414], 'uri_too_long'],
  [[494, 431], 'headers_too_large'],
  [[500], 'internal'],
];

/**
 * The gateway's own error pages as nginx directives (the `{{ERROR_PAGES}}` of the template), generated from
 * contracts' error list. The container gateway cannot run this: it includes the same text from
 * infra/gateway/error-pages.conf, which scripts/test/deploy.test.ts keeps equal to what this returns
 * (regenerate: `UPDATE_ERROR_PAGES=1 npx vitest run scripts/test/deploy.test.ts`).
 */
export function errorPages(): string {
  // Pages are internal URIs, not named locations: nginx cannot redirect to a named location from an error
  // found while reading the request line (`%00`, a URL too long), and `types {}` keeps the URI's extension
  // from choosing the content type.
  const lines = ['    error_page 502 503 504 = @unavailable;'];
  for (const [statuses, code] of gatewayErrors) {
    const status = ErrorCodes[code].status;
    const body = JSON.stringify(new NatterError(code).toBody());
    if (body.includes("'")) throw new Error(`error message of ${code} cannot be quoted for nginx`);
    lines.push(`    error_page ${statuses.join(' ')} =${status} /__natter_error/${code};`);
    lines.push(`    location = /__natter_error/${code} { internal; types { } default_type application/json; return ${status} '${body}'; }`);
  }
  return lines.join('\n');
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
