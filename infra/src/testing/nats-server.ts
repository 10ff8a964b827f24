import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { stopChild } from '../provision/child-process';
import { freePort, waitFor } from './ports';

export interface NatsServerHandle {
  url: string;
  port: number;
  storeDir: string;
  proc: ChildProcess;
  stop(): Promise<void>;
}

const bin = process.env.NATS_SERVER_BIN ?? 'nats-server';

/** Wait until JetStream answers at `url`; `failed()` returning a message stops the wait early. */
export async function waitForJetStream(url: string, failed: () => string | false = () => false, timeoutMs = 20_000): Promise<void> {
  await waitFor(`jetstream at ${url}`, async () => {
    const why = failed();
    if (why) throw new Error(why);
    const nc = await connect({ servers: url, reconnect: false, timeout: 1000 });
    try {
      await (await jetstreamManager(nc)).getAccountInfo();
      return true;
    } finally {
      await nc.close();
    }
  }, timeoutMs, 100);
}

function stopper(proc: ChildProcess, dirs: string[]) {
  return async () => {
    await stopChild(proc, 'SIGTERM', 5000);
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  };
}

/** A throwaway nats-server with JetStream on a free loopback port and a temp store, removed on stop(). */
export async function startNats(): Promise<NatsServerHandle> {
  const storeDir = await mkdtemp(join(tmpdir(), 'natter-nats-'));
  const port = await freePort();
  const proc = spawn(bin, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storeDir], { stdio: 'ignore' });
  const url = `nats://127.0.0.1:${port}`;
  const stop = stopper(proc, [storeDir]);
  try {
    await waitForJetStream(url);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, port, storeDir, proc, stop };
}

export interface NatsClusterHandle {
  url: string;
  nodes: { url: string; port: number; proc: ChildProcess; stop(): Promise<void> }[];
  stop(): Promise<void>;
}

/** A throwaway 3-node JetStream cluster on loopback ports, for R3 tests. */
export async function startNatsCluster(size = 3): Promise<NatsClusterHandle> {
  const dir = await mkdtemp(join(tmpdir(), 'natter-natsc-'));
  const ports = await Promise.all(Array.from({ length: size }, () => freePort()));
  const cports = await Promise.all(Array.from({ length: size }, () => freePort()));
  const routes = cports.map((p) => `nats-route://127.0.0.1:${p}`);
  const nodes: NatsClusterHandle['nodes'] = [];
  for (let i = 0; i < size; i++) {
    const conf = join(dir, `n${i}.conf`);
    await writeFile(conf, [
      `server_name: n${i}`,
      `listen: 127.0.0.1:${ports[i]}`,
      `jetstream { store_dir: "${join(dir, `s${i}`)}" }`,
      `cluster { name: natter_test, listen: 127.0.0.1:${cports[i]}, routes: [${routes.join(', ')}] }`,
    ].join('\n'));
    const proc = spawn(bin, ['-c', conf], { stdio: 'ignore' });
    nodes.push({ url: `nats://127.0.0.1:${ports[i]}`, port: ports[i], proc, stop: stopper(proc, []) });
  }
  const url = nodes.map((n) => n.url).join(',');
  const stop = async () => {
    await Promise.all(nodes.map((n) => n.stop()));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitForJetStream(nodes[0].url);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, nodes, stop };
}
