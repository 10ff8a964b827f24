import { execFile, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { chown, mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { spawnTied, stopChild } from './child-process';

const run = promisify(execFile);

export async function postgresReachable(url: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1500 });
  try {
    await c.connect();
    await c.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => {});
  }
}

async function pgBinDir(): Promise<string> {
  try {
    return (await run('pg_config', ['--bindir'])).stdout.trim();
  } catch {
    return '/usr/lib/postgresql/15/bin';
  }
}

export interface LocalPostgres {
  url: string;
  proc: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Run a Postgres cluster whose data lives in `dir` (initdb on first use), on 127.0.0.1:`port`, with trust auth
 * for local connections only. Postgres refuses to run as root, so as root it runs as the `postgres` user and
 * `dir` is handed to that user.
 * `logFile`: the server's own log is appended there (otherwise only its last lines are kept, for errors).
 * `tied`: the postmaster leads its own process group and gets SIGINT (fast shutdown) if we die (spawnTied).
 * `signal`: aborting a start that is still waiting kills the server, and the start rejects.
 */
export async function startLocalPostgres(opts: { dir: string; port: number; fsync?: boolean; logFile?: string; tied?: boolean; signal?: AbortSignal }): Promise<LocalPostgres> {
  const bin = await pgBinDir();
  const data = join(opts.dir, 'data');
  const asRoot = process.getuid?.() === 0;
  await mkdir(opts.dir, { recursive: true, mode: 0o755 });
  let ids: { uid: number; gid: number } | {} = {};
  if (asRoot) {
    const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim());
    const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
    await chown(opts.dir, uid, gid);
    ids = { uid, gid };
  }
  const initialised = await stat(join(data, 'PG_VERSION')).then(() => true, () => false);
  if (!initialised) {
    await run(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8'], { ...ids, cwd: opts.dir });
  }
  const args = ['-D', data, '-p', String(opts.port), '-c', 'listen_addresses=127.0.0.1', '-k', opts.dir];
  if (opts.fsync === false) args.push('-c', 'fsync=off', '-c', 'synchronous_commit=off');
  const logFd = opts.logFile ? openSync(opts.logFile, 'a') : undefined;
  const spawnOpts: SpawnOptions = { stdio: logFd === undefined ? ['ignore', 'ignore', 'pipe'] : ['ignore', logFd, logFd], cwd: opts.dir, ...ids };
  const proc = opts.tied ? spawnTied(join(bin, 'postgres'), args, { ...spawnOpts, deathSignal: 'SIGINT' }) : spawn(join(bin, 'postgres'), args, spawnOpts);
  if (logFd !== undefined) closeSync(logFd); // the server holds its own copy
  const abort = () => proc.kill('SIGKILL');
  opts.signal?.addEventListener('abort', abort);
  let stderrTail = '';
  proc.stderr?.on('data', (d) => (stderrTail = (stderrTail + d).slice(-4000)));
  const stderr = () => (opts.logFile ? `${readFileSync(opts.logFile, 'utf8').slice(-2000)} (see ${opts.logFile})` : stderrTail);
  const url = `postgres://postgres@127.0.0.1:${opts.port}/postgres`;
  const until = Date.now() + 30_000;
  try {
    while (!(await postgresReachable(url))) {
      if (proc.exitCode !== null || proc.signalCode !== null || Date.now() > until) {
        proc.kill('SIGKILL');
        throw new Error(`postgres did not start in ${opts.dir}: ${stderr()}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    opts.signal?.removeEventListener('abort', abort);
  }
  return {
    url,
    proc,
    stop: () => stopChild(proc, 'SIGINT', 20_000), // fast shutdown: aborts transactions, writes a checkpoint
  };
}

/** Create database `name` on the server at `adminUrl` if it does not exist; returns its URL. */
export async function ensureDatabase(adminUrl: string, name: string): Promise<string> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad database name ${name}`);
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    const r = await c.query('select 1 from pg_database where datname = $1', [name]);
    if (r.rowCount === 0) await c.query(`create database ${name}`);
  } finally {
    await c.end();
  }
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return u.toString();
}
