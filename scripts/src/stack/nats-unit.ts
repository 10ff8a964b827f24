import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { spawnTied, stopChild } from '@natter/infra/provision';
import { waitForJetStream } from '@natter/infra/testing';
import { repoRoot } from './service-process';
import type { UnitSpec } from './supervisor';

/** One node of a NATS cluster: its name, its route port, and every node's route URL (its own included). */
export interface NatsClusterMember {
  clusterName: string;
  serverName: string;
  routePort: number;
  routes: string[];
}

export interface NatsUnitOptions {
  /** Unit name: `nats-server` alone, `nats-1`... in a cluster. */
  name: string;
  /** JetStream store (and, in a cluster, the node's config file beside it). */
  dir: string;
  port: number;
  logFile: string;
  cluster?: NatsClusterMember;
  /** Runs after a restart: before the unit counts as back for a lone server, in the background in a cluster. */
  afterRestart(url: string): Promise<void>;
}

/**
 * The stack's own nats-server (JetStream, store in `dir`) as a supervised unit: ready once JetStream answers
 * through it. After a restart, `afterRestart` runs before it counts as back: memory-storage state (the
 * presence bucket) does not survive the restart of a lone nats-server and must be provisioned again. In a
 * cluster the other nodes still hold it (R3), and a node that just came back may not answer JetStream API
 * requests for some seconds (nats-server 2.9.10, docs/architecture.md): there it runs in the background, so a
 * healthy node is never killed again for a slow provisioning call.
 *
 * In a cluster each node gets a config file (server name, client and route ports, the routes to every node).
 * The nodes' first starts must overlap: JetStream answers only once a meta leader is elected, which needs a
 * majority of the nodes (startStack starts them together). A restarted node rejoins and catches up from the
 * others, also after its store was lost (docs/operations.md).
 */
export function natsUnit(o: NatsUnitOptions): UnitSpec & { url: string } {
  const url = `nats://127.0.0.1:${o.port}`;
  let runs = 0;
  return {
    name: o.name,
    url,
    logFile: o.logFile,
    start: async (signal) => {
      await mkdir(o.dir, { recursive: true });
      const args = o.cluster ? ['-c', await writeClusterConfig(o, o.cluster)] : ['-a', '127.0.0.1', '-p', String(o.port), '-js', '-sd', o.dir];
      const proc = spawnTied(process.env.NATS_SERVER_BIN ?? 'nats-server', [...args, '-l', o.logFile], { stdio: 'ignore', cwd: repoRoot });
      const exited = () => proc.exitCode !== null || proc.signalCode !== null;
      try {
        await waitForJetStream(url, () => (signal.aborted ? 'stopped while starting' : exited() && `nats-server exited; see ${o.logFile}`), o.cluster ? 60_000 : 20_000);
        if (runs++ > 0) {
          if (o.cluster) void o.afterRestart(url).catch(() => {});
          else await o.afterRestart(url);
        }
      } catch (err) {
        await stopChild(proc, 'SIGKILL');
        throw err;
      }
      return { proc, stop: () => stopChild(proc, 'SIGTERM', 5000) };
    },
  };
}

async function writeClusterConfig(o: NatsUnitOptions, c: NatsClusterMember): Promise<string> {
  const file = join(o.dir, '..', `${c.serverName}.conf`);
  await writeFile(file, [
    `# ${c.serverName} of NATS cluster ${c.clusterName}; written by scripts/src/stack/nats-unit.ts at every start.`,
    `server_name: ${c.serverName}`,
    `listen: 127.0.0.1:${o.port}`,
    `jetstream { store_dir: "${o.dir}" }`,
    `cluster { name: ${c.clusterName}, listen: 127.0.0.1:${c.routePort}, routes: [${c.routes.join(', ')}] }`,
    '',
  ].join('\n'));
  return file;
}
