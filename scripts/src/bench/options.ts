/**
 * Command-line options of `npm run bench -- [--flag=value ...]`, parsed once and frozen. `--quick` shrinks
 * every size and duration for a run of a few minutes; explicit flags still win over it.
 */
export const ALL_SCENARIOS = ['baselines', 'fanout-small', 'fanout-big', 'saturation', 'saturation-cluster', 'command', 'idle', 'history', 'directory', 'search', 'unread', 'replay'] as const;
export type Scenario = (typeof ALL_SCENARIOS)[number];

export interface BenchOptions {
  scenarios: Scenario[];
  /** Run only the raw uWS side of the fan-out scenarios (no Natter stack). */
  rawOnly: boolean;
  workers: number;
  durationS: number;
  stepS: number;
  satStartRate: number;
  satFactor: number;
  satMaxSteps: number;
  /** Saturation steps run past the knee (Natter only), to show load shedding. */
  satOverloadSteps: number;
  rawSatMaxSteps: number;
  p99LimitMs: number;
  maxPerSender: number;
  textBytes: number;
  idleSockets: number;
  users: number;
  historyMessages: number;
  historyRequests: number;
  /** Accounts seeded for the directory scenario, and searches measured. */
  directoryUsers: number;
  directoryRequests: number;
  /** Messages seeded for the search scenario (over searchRooms rooms), and searches measured. */
  searchMessages: number;
  searchRooms: number;
  searchRequests: number;
  /** Issue 12: rooms and messages (in total) of the unread-counts scenario, and requests measured. */
  unreadRooms: number;
  unreadMessages: number;
  unreadRequests: number;
  jetstreamMessages: number;
  postgresRows: number;
  commandRate: number;
  profile: boolean;
  outDir?: string;
}

const defaults: BenchOptions = {
  scenarios: [...ALL_SCENARIOS],
  rawOnly: false,
  workers: 2,
  durationS: 20,
  stepS: 10,
  satStartRate: 250,
  satFactor: 1.5,
  satMaxSteps: 10,
  satOverloadSteps: 2,
  rawSatMaxSteps: 14,
  p99LimitMs: 200,
  // One sender per room: the stack runs with its per-user and per-socket limits raised (natter/stack-handle.ts).
  maxPerSender: 1000,
  textBytes: 64,
  idleSockets: 10_000,
  users: 1000,
  historyMessages: 1_000_000,
  historyRequests: 500,
  directoryUsers: 100_000,
  directoryRequests: 1400,
  searchMessages: 1_000_000,
  searchRooms: 50,
  searchRequests: 1400,
  unreadRooms: 500,
  unreadMessages: 1_000_000,
  unreadRequests: 500,
  jetstreamMessages: 200_000,
  postgresRows: 200_000,
  commandRate: 100,
  profile: false,
};

const quick: Partial<BenchOptions> = {
  durationS: 5,
  stepS: 5,
  idleSockets: 2000,
  historyMessages: 100_000,
  historyRequests: 200,
  directoryUsers: 20_000,
  directoryRequests: 350,
  searchMessages: 100_000,
  searchRooms: 20,
  searchRequests: 350,
  unreadMessages: 200_000,
  unreadRequests: 200,
  jetstreamMessages: 50_000,
  postgresRows: 50_000,
};

export function parseOptions(argv: string[]): Readonly<BenchOptions> {
  const kv = new Map<string, string>();
  for (const a of argv) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(a);
    if (!m) throw new Error(`bad argument ${a} (use --name=value)`);
    kv.set(m[1], m[2] ?? 'true');
  }
  const o: BenchOptions = { ...defaults, ...(kv.has('quick') ? quick : {}) };
  kv.delete('quick');
  const camel = (s: string) => s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
  for (const [k, v] of kv) {
    const key = camel(k) as keyof BenchOptions;
    if (key === 'scenarios') {
      const list = v.split(',').filter(Boolean);
      for (const s of list) if (!ALL_SCENARIOS.includes(s as Scenario)) throw new Error(`unknown scenario ${s}; known: ${ALL_SCENARIOS.join(', ')}`);
      o.scenarios = list as Scenario[];
    } else if (key === 'outDir') o.outDir = v;
    else if (key === 'rawOnly' || key === 'profile') o[key] = v !== 'false';
    else if (key in defaults && typeof defaults[key] === 'number') {
      const n = Number(v);
      if (!Number.isFinite(n) || n < 0 || (n === 0 && key !== 'satOverloadSteps')) throw new Error(`--${k} must be a positive number`);
      (o as unknown as Record<string, number>)[key] = n;
    } else throw new Error(`unknown option --${k}`);
  }
  return Object.freeze(o);
}
