import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createTestDatabase, startNats, type NatsServerHandle, type TestDatabase } from '@natter/infra/testing';
import { repoRoot } from '../../src/stack/service-process';
import { startStack, type Stack } from '../../src/stack/index';
import { TestUser } from '../support/client';
import { promtool } from '../support/promtool';

/**
 * The Grafana dashboard and the Prometheus alert rules in infra/observability/ name only metrics the services
 * really export: every service of a running stack is scraped (its /metrics, prom-client's text format) and
 * every metric an expression uses must be among them. A renamed metric or a typo fails here, not on call.
 */
const run = promisify(execFile);
let nats: NatsServerHandle;
let db: TestDatabase;
let dir: string;
let stack: Stack;

beforeAll(async () => {
  [nats, db, dir] = await Promise.all([startNats(), createTestDatabase(), mkdtemp(join(tmpdir(), 'natter-obs-'))]);
  stack = await startStack({ dataDir: dir, natsUrl: nats.url, databaseUrl: db.url, log: pino({ level: 'silent' }) });
}, 180_000);

afterAll(async () => {
  await stack?.stop();
  await nats?.stop();
  await db?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Series Prometheus makes itself for every scrape target. */
const synthesized = new Set(['up', 'scrape_duration_seconds', 'scrape_samples_scraped']);
const promqlWords = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'offset', 'bool', 'le', 'inf', 'nan']);

/** Metric names used by a PromQL expression: identifiers that are not functions, keywords, labels or strings. */
function metricsIn(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""') // strings
    .replace(/\{[^}]*\}/g, '') // label matchers
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '') // label lists
    .replace(/\[[^\]]*\]/g, ''); // ranges and subqueries
  const out = new Set<string>();
  for (const m of stripped.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const word = m[0];
    const next = stripped.slice(m.index! + word.length).trimStart();
    if (next.startsWith('(') || promqlWords.has(word.toLowerCase())) continue;
    if (/^\d/.test(stripped.slice(m.index! - 1, m.index!))) continue; // the unit of a number like 5m or 1e9
    out.add(word);
  }
  return [...out];
}

async function exported(url: string): Promise<Set<string>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const names = new Set<string>();
  for (const m of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    names.add(m[1]);
    if (m[2] === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(m[1] + s);
    if (m[2] === 'summary') for (const s of ['_sum', '_count']) names.add(m[1] + s);
  }
  return names;
}

it('every metric in the dashboard and the alert rules is exported by a service', async () => {
  // Some traffic first, so that every service has served, counted and timed something.
  const alice = await TestUser.register(`http://127.0.0.1:${stack.commandApi.port}`, 'alice');
  const reader = new TestUser(`http://127.0.0.1:${stack.queryApi.port}`, alice.tokens);
  expect((await reader.call('GET', `/api/me?minSeq=${alice.tokens.seq}`)).status).toBe(200);

  const services = { 'command-api': stack.commandApi, 'query-api': stack.queryApi, projectors: stack.projectors, 'realtime-edge': stack.edges[0] };
  const byService = Object.fromEntries(await Promise.all(Object.entries(services).map(async ([name, s]) => [name, await exported(s.url)] as const)));
  const all = new Set(Object.values(byService).flatMap((s) => [...s]));
  // What the issue asks every deployment to see, and where it comes from.
  for (const [service, names] of Object.entries(byService)) {
    for (const n of ['process_cpu_seconds_total', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_p99_seconds', 'natter_nats_reconnects_total', 'natter_nats_connected']) {
      expect(names.has(n), `${service} exports ${n}`).toBe(true);
    }
  }
  for (const n of ['natter_command_http_requests_total', 'natter_command_http_request_duration_seconds_bucket', 'natter_commands_handled_total', 'natter_command_duration_seconds_bucket', 'natter_command_errors_total']) expect(byService['command-api'].has(n), n).toBe(true);
  for (const n of ['natter_query_http_requests_total', 'natter_query_http_request_duration_seconds_bucket', 'natter_query_errors_total']) expect(byService['query-api'].has(n), n).toBe(true);
  for (const n of ['natter_projection_lag', 'natter_projection_active', 'natter_stream_bytes', 'natter_stream_replicas_current']) expect(byService.projectors.has(n), n).toBe(true);
  for (const n of ['natter_edge_connections', 'natter_edge_events_delivered_total', 'natter_edge_slow_consumer_closes_total']) expect(byService['realtime-edge'].has(n), n).toBe(true);

  const dashboard = JSON.parse(await readFile(join(repoRoot, 'infra/observability/grafana-dashboard.json'), 'utf8')) as { panels: { title: string; targets?: { expr: string }[] }[] };
  const rules = parse(await readFile(join(repoRoot, 'infra/observability/alerts.yml'), 'utf8')) as { groups: { rules: { alert: string; expr: string }[] }[] };
  const exprs = [
    ...dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ where: `panel "${p.title}"`, expr: t.expr }))),
    ...rules.groups.flatMap((g) => g.rules.map((r) => ({ where: `alert ${r.alert}`, expr: r.expr }))),
  ];
  expect(exprs.length).toBeGreaterThan(30);
  const missing = exprs.flatMap(({ where, expr }) => metricsIn(expr).filter((m) => !all.has(m) && !synthesized.has(m)).map((m) => `${where}: ${m}`));
  expect(missing).toEqual([]);
  // The alerts the issue names are there.
  const alerts = rules.groups.flatMap((g) => g.rules.map((r) => r.alert));
  for (const a of ['NatterProjectionLag', 'NatterCommandErrorRate', 'NatterQueryErrorRate', 'NatterEdgeBackpressureCloses', 'NatterStreamStorageHigh', 'NatterStreamStorageFillsUp']) expect(alerts).toContain(a);
  // Each alert is explained in the runbook, under a heading of its name.
  const runbook = await readFile(join(repoRoot, 'docs/operations.md'), 'utf8');
  for (const a of alerts) expect(runbook, `docs/operations.md explains ${a}`).toMatch(new RegExp(`^#+ ${a}$`, 'm'));
});

it('the alert rules pass promtool (syntax) and their unit tests fire as docs/operations.md describes', async (ctx) => {
  const bin = await promtool();
  if (!bin) return ctx.skip(); // not root and no promtool: the metric names are still checked above
  const dir = join(repoRoot, 'infra/observability');
  const check = await run(bin, ['check', 'rules', 'alerts.yml'], { cwd: dir });
  expect(check.stdout).toMatch(/SUCCESS: \d+ rules found/);
  const tested = await run(bin, ['test', 'rules', 'alerts.test.yml'], { cwd: dir });
  expect(tested.stdout).toContain('SUCCESS');
}, 120_000);

it('finds the metrics in PromQL (and nothing else)', () => {
  expect(metricsIn('sum by (code) (rate(natter_command_errors_total{code=~"internal|x"}[5m])) / clamp_min(sum(rate(foo_count[5m])), 1e-9) > 0.05').sort()).toEqual(['foo_count', 'natter_command_errors_total']);
  expect(metricsIn('histogram_quantile(0.99, sum by (le) (rate(a_bucket[5m]))) > 0.5')).toEqual(['a_bucket']);
  expect(metricsIn('predict_linear(max(b)[6h:5m], 7 * 24 * 3600) > 8 * 1024')).toEqual(['b']);
  expect(metricsIn('min by (stream) (x) < max by (stream) (y)').sort()).toEqual(['x', 'y']);
});
