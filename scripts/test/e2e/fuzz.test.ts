import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ClientFrame, ClientFrameTypes, ErrorBody, ErrorCodes, ServerFrame, type AuthTokens } from '@natter/contracts';
import { Launched, type UnitName } from '../support/launcher';

/**
 * Property-based fuzzing of the whole public surface through the gateway of a real `npm run up` stack: every
 * HTTP operation of the OpenAPI document and every WebSocket client frame type, with generated bad values
 * (NUL and control characters, lone surrogates, huge strings, wrong types, deep nesting, unicode edge cases,
 * bad ids, bad content types, huge bodies). Properties:
 * - no answer is a 5xx or anything but JSON; every error body is contracts' ErrorBody with a listed code whose
 *   status is the response's, and every 429 has Retry-After;
 * - every frame the edge sends is a valid ServerFrame, and an error for a frame that carried an id names it;
 * - refused input appends nothing (the stream's message count is unchanged by the garbage phase);
 * - every process of the stack is still the one that started (nothing crashed and was restarted).
 */
let l: Launched;
let alice: AuthTokens;
let bob: AuthTokens;
let publicRoom: string;
let privateRoom: string;
let doc: OpenApi;
let startPids: Map<UnitName, number>;
const seenStatus = new Map<number, number>();
const seenCodes = new Set<string>();
let httpCases = 0;
let wsCases = 0;

interface OpenApiOp {
  parameters?: { name: string; in: 'path' | 'query'; required?: boolean; schema?: Schema }[];
  requestBody?: { content: Record<string, { schema: Schema }> };
}
interface Schema {
  $ref?: string;
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
}
interface OpenApi {
  paths: Record<string, Record<string, OpenApiOp>>;
  components: { schemas: Record<string, Schema> };
}

beforeAll(async () => {
  // The edge's per-socket frame limit is raised so thousands of frames fit in the time (its refusals are
  // tested in realtime-edge); every other limit is the deployed default.
  l = await Launched.start({ via: 'bootstrap', env: { EDGE_COMMANDS_PER_SECOND: '5000', EDGE_COMMAND_BURST: '5000' } });
  await l.waitUntilRunning();
  startPids = new Map([...l.units()].map(([n, p]) => [n, p.pid]));
  const reg = async (name: string) => {
    const r = await fetch(`${l.base}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: name, email: `${name}@example.test`, password: 'correct horse battery', displayName: name }),
    });
    expect(r.status).toBe(201);
    return (await r.json()) as AuthTokens;
  };
  [alice, bob] = [await reg('fuzz_alice'), await reg('fuzz_bob')];
  const create = async (visibility: string) =>
    (await (await fetch(`${l.base}/api/rooms`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${alice.accessToken}` }, body: JSON.stringify({ name: `fuzz ${visibility}`, visibility }) })).json() as { roomId: string }).roomId;
  [publicRoom, privateRoom] = [await create('public'), await create('private')];
  doc = (await (await fetch(`${l.base}/api/openapi.json`)).json()) as OpenApi;
}, 180_000);

afterAll(async () => {
  await l?.destroy();
  console.log(`fuzz: ${httpCases} HTTP cases, ${wsCases} WS cases; statuses ${JSON.stringify(Object.fromEntries(seenStatus))}; codes ${[...seenCodes].sort().join(' ')}`);
});

// ------------------------------------------------------------------ generators: values that must be refused

const controls = fc.constantFrom('\u0000', '\u0001', '\u0007', '\u001b', '\u007f', '\u0085', '\u009f', '\ufffe', '\uffff');
const loneSurrogates = fc.constantFrom('\ud800', '\udbff', '\udc00', '\udfff', 'a\ud800', '\udc00b', '\ud83d');
/** Strings that no text field accepts: a control character or a lone surrogate somewhere, or too long. */
const invalidString = fc.oneof(
  fc.tuple(fc.string({ maxLength: 20 }), fc.oneof(controls, loneSurrogates), fc.string({ maxLength: 20 })).map(([a, b, c]) => a + b + c),
  fc.integer({ min: 70_000, max: 200_000 }).map((n) => 'x'.repeat(n)),
  fc.integer({ min: 4_001, max: 8_000 }).map((n) => 'é'.repeat(n)),
);
/** Not a string at all, or nested deeply. */
const wrongType = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 5 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }),
  fc.integer({ min: 1, max: 3000 }).map((d) => nest(d)),
);
function nest(depth: number): unknown {
  let v: unknown = 'bottom';
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
  return v;
}
const invalidValue = fc.oneof({ weight: 3, arbitrary: invalidString }, { weight: 2, arbitrary: wrongType });
/** Ids that are not ids (they would become NATS subject tokens): dots, wildcards, spaces, too long, empty. */
const invalidId = fc.oneof(
  fc.constantFrom('a.b', '*', '>', 'a b', '..', 'ev.room.>', '', 'x'.repeat(65), 'ä', '%', '\u0000'),
  fc.string({ minLength: 65, maxLength: 6000 }).map((s) => s.replace(/[^A-Za-z0-9_-]/g, 'a')),
  invalidString,
);
/** Raw path segments that cannot be decoded or decode to control characters. */
const rawBadSegment = fc.constantFrom('%00', '%ff', '%zz', 'a%00b', '%ED%A0%80', '%C0%AF', '%', '%2e%2e', '..%2f..%2fetc');
/** Bodies that are not what any route takes (never empty, never `{}`: those mean "no body"). */
const garbageBody = fc.oneof(
  fc.string({ minLength: 1, maxLength: 200 }).filter((s) => s.trim() !== '' && !isJson(s)),
  fc.constantFrom('{', '[1,2', '{"a":}', 'null', 'true', '1', '"text"', '[]', '\u0000', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{}}}'),
  fc.integer({ min: 1000, max: 30_000 }).map((d) => '['.repeat(d) + ']'.repeat(d)),
  fc.integer({ min: 1000, max: 10_000 }).map((d) => '{"a":'.repeat(d) + '1' + '}'.repeat(d)),
  fc.integer({ min: 65 * 1024 + 1, max: 300 * 1024 }).map((n) => JSON.stringify({ text: 'x'.repeat(n) })),
);
/** Any generated value as text (objects may lack a prototype, so String() can throw). */
const text = (v: unknown): string => (typeof v === 'string' ? v : (JSON.stringify(v) ?? 'undefined'));
function isJson(s: string): boolean {
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
}
const badContentType = fc.constantFrom('text/plain', '', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'application/jsonp', 'text/json; charset=utf-16');

// ------------------------------------------------------------------ HTTP

interface HttpCase {
  method: string;
  path: string;
  query: string;
  contentType?: string;
  body?: string;
  token?: string;
}

function ops(): { method: string; path: string; op: OpenApiOp }[] {
  const out: { method: string; path: string; op: OpenApiOp }[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    if (path === '/api/openapi.json') continue; // a static document: it reads no input
    for (const [method, op] of Object.entries(methods)) out.push({ method: method.toUpperCase(), path, op });
  }
  return out;
}

function bodySchema(op: OpenApiOp): Schema | undefined {
  const s = op.requestBody?.content['application/json']?.schema;
  return s?.$ref ? doc.components.schemas[s.$ref.split('/').pop()!] : s;
}

/** A plausible value for a field, so that a case with one bad field is refused for that field alone. */
function goodValue(field: string): unknown {
  const good: Record<string, unknown> = {
    username: 'fuzzer_x', email: 'fuzz@example.test', password: 'correct horse battery', displayName: 'Fuzz', login: 'fuzz_alice',
    refreshToken: 'not-a-token', name: 'room', topic: 'topic', visibility: 'public', userId: bob.user.id, clientMsgId: 'c1', text: 'hi',
  };
  return good[field] ?? 'x';
}

/** One HTTP case, every one of which must be refused: at least one part is bad, and ids name nothing real. */
function httpCase(): fc.Arbitrary<HttpCase> {
  const all = ops();
  return fc
    .record({
      which: fc.nat({ max: all.length - 1 }),
      badPart: fc.constantFrom('path', 'query', 'body', 'contentType', 'token'),
      pathValue: fc.oneof(invalidId.map((v) => encodeSegment(text(v))), rawBadSegment),
      queryName: fc.option(fc.constantFrom('q', 'limit', 'minSeq', 'before', 'after', 'nope', '__proto__'), { nil: undefined }),
      // `q` takes any clean text, so only invalid strings are bad for it; the numbers also refuse these
      queryText: invalidString,
      queryValue: fc.oneof(invalidString, fc.constantFrom('-1', '1.5', 'NaN', '9007199254740993', '1e400', 'ten', '%00', '-0.5')),
      rawQuery: fc.option(fc.constantFrom('q=%00', 'q=a%00b', 'q[]=a', 'q[a]=b', 'limit=%ff', 'q=1&q=2', 'minSeq=-5'), { nil: undefined }),
      field: fc.nat(),
      value: invalidValue,
      garbage: garbageBody,
      mode: fc.constantFrom('field', 'garbage', 'extra', 'missing'),
      contentType: badContentType,
      token: fc.constantFrom(undefined, 'garbage', 'a.b.c', 'eyJhbGciOiJub25lIn0.e30.', 'Bearer x'),
    })
    .map((g) => {
      const { method, path, op } = all[g.which];
      const params = op.parameters ?? [];
      const needsAuth = !/\/api\/(auth\/(register|login|refresh)|openapi\.json)$/.test(path);
      // Path ids: a real resource only where the rest of the case is bad for sure.
      let urlPath = path.replace(/\{(\w+)\}/g, (_m, name: string) => (name === 'userId' ? bob.user.id : privateRoom));
      const schema = bodySchema(op);
      let query = '';
      let body: string | undefined;
      let contentType: string | undefined = schema ? 'application/json' : undefined;
      let token = needsAuth ? alice.accessToken : undefined;
      let bad = g.badPart;
      if (bad === 'path' && !path.includes('{')) bad = schema ? 'body' : 'query';
      if (bad === 'query' && method !== 'GET') bad = schema ? 'body' : 'contentType';
      if (bad === 'token' && !needsAuth) bad = schema ? 'body' : 'query';
      if (bad === 'path') {
        let first = true;
        urlPath = path.replace(/\{(\w+)\}/g, (_m, name: string) => {
          const v = first ? g.pathValue : name === 'userId' ? bob.user.id : privateRoom;
          first = false;
          return v;
        });
      } else if (bad === 'query') {
        const name = g.queryName ?? params.find((p) => p.in === 'query')?.name ?? 'nope';
        // A text parameter (`q`, `type`, ...) takes any clean text, so only invalid strings are bad for it;
        // a number parameter also refuses the bad numbers. Unknown names are bad whatever the value.
        const param = params.find((p) => p.name === name);
        const isText = name === 'q' || (param !== undefined && param.schema?.type === 'string');
        query = g.rawQuery ?? `${encodeURIComponent(name)}=${encodeQueryValue(text(isText ? g.queryText : g.queryValue))}`;
      } else if (bad === 'token') {
        token = g.token ?? '';
      } else if (bad === 'contentType') {
        contentType = g.contentType;
        body = JSON.stringify(schema ? Object.fromEntries(Object.keys(schema.properties ?? {}).map((k) => [k, goodValue(k)])) : { a: 1 });
      } else {
        const fields = Object.keys(schema?.properties ?? {});
        const mode = fields.length === 0 ? 'garbage' : g.mode;
        const good = Object.fromEntries(fields.map((k) => [k, goodValue(k)]));
        if (mode === 'garbage') body = g.garbage;
        else if (mode === 'extra') body = JSON.stringify({ ...good, ['x' + text(g.value).slice(0, 10)]: 1 });
        // a missing field is bad only where the schema requires one; a body of optional fields gets an extra one
        else if (mode === 'missing' && schema?.required?.length) {
          delete good[schema.required[g.field % schema.required.length]];
          body = JSON.stringify(good);
        } else if (mode === 'missing') body = JSON.stringify({ ...good, ['x' + text(g.value).slice(0, 10)]: 1 });
        else {
          // A boolean is a valid value for a boolean field (PATCH /api/admin/settings once closed registration).
          const field = fields[g.field % fields.length];
          const isBool = (schema?.properties?.[field] as { type?: string } | undefined)?.type === 'boolean';
          body = JSON.stringify({ ...good, [field]: isBool && typeof g.value === 'boolean' ? 'yes' : g.value });
        }
        contentType = 'application/json';
        if (!schema && body !== undefined && /^\s*\{\s*\}\s*$/.test(body)) body = '{"unexpected":true}';
      }
      // A GET never carries a body; its "body" case is a bad query instead.
      if (method === 'GET' || method === 'HEAD') {
        body = undefined;
        contentType = undefined;
        if (bad === 'body' || bad === 'contentType') query = g.rawQuery ?? 'q=%00';
      }
      return { method, path: urlPath, query, contentType, body, token };
    });
}

function encodeSegment(s: string): string {
  // encodeURIComponent throws on lone surrogates: encode their UTF-16 code units as (invalid) UTF-8 escapes.
  return [...s].map((ch) => (isWellFormed(ch) ? encodeURIComponent(ch) : `%${(ch.charCodeAt(0) >> 8).toString(16)}%${(ch.charCodeAt(0) & 0xff).toString(16).padStart(2, '0')}`)).join('');
}
const encodeQueryValue = encodeSegment;
function isWellFormed(s: string): boolean {
  try {
    encodeURIComponent(s);
    return true;
  } catch {
    return false;
  }
}

async function runHttp(c: HttpCase): Promise<void> {
  const headers: Record<string, string> = {};
  if (c.contentType !== undefined) headers['content-type'] = c.contentType;
  if (c.token !== undefined) headers.authorization = `Bearer ${c.token}`;
  const url = `${l.base}${c.path}${c.query ? `?${c.query}` : ''}`;
  const res = await fetch(url, { method: c.method, headers, body: c.body });
  const text = await res.text();
  httpCases++;
  seenStatus.set(res.status, (seenStatus.get(res.status) ?? 0) + 1);
  const what = `${c.method} ${url.slice(0, 200)} ct=${JSON.stringify(c.contentType)} body=${JSON.stringify(c.body?.slice(0, 200))} -> ${res.status} ${text.slice(0, 300)}`;
  expect(res.status, what).toBeGreaterThanOrEqual(400);
  expect(res.status, what).toBeLessThan(500);
  expect(res.headers.get('content-type') ?? '', what).toMatch(/^application\/json/);
  const parsed = ErrorBody.safeParse(JSON.parse(text));
  expect(parsed.success, what).toBe(true);
  const code = parsed.data!.error.code;
  seenCodes.add(code);
  expect(ErrorCodes[code].status, what).toBe(res.status);
  if (res.status === 429) expect(Number(res.headers.get('retry-after')), what).toBeGreaterThanOrEqual(1);
}

// ------------------------------------------------------------------ WebSocket

/** A socket that reads every frame, validates it, and lets a case wait for the pong that ends it. */
class FuzzSocket {
  private frames: unknown[] = [];
  private waiter?: () => void;
  closed = false;
  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      expect(isBinary).toBe(false);
      this.frames.push(JSON.parse(String(data)));
      this.waiter?.();
    });
    ws.on('close', () => {
      this.closed = true;
      this.waiter?.();
    });
  }
  static open(token: string): Promise<FuzzSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`${l.base.replace('http', 'ws')}/ws?access_token=${token}`, { perMessageDeflate: false });
      ws.once('open', () => resolve(new FuzzSocket(ws)));
      ws.once('error', reject);
    });
  }
  /** Send `data`, then a ping; resolve with every frame up to its pong (or up to a close). */
  async exchange(data: string | Buffer, binary: boolean, pingId: string): Promise<unknown[]> {
    const start = this.frames.length;
    this.ws.send(data, { binary });
    if (!this.closed) this.ws.send(JSON.stringify({ type: 'ping', id: pingId }));
    const deadline = Date.now() + 10_000;
    for (;;) {
      const got = this.frames.slice(start);
      const pong = got.findIndex((f) => (f as { type?: string; id?: string }).type === 'pong' && (f as { id?: string }).id === pingId);
      if (pong >= 0) return got.slice(0, pong);
      if (this.closed) return got;
      if (Date.now() > deadline) throw new Error(`no pong for ${pingId}; frames: ${JSON.stringify(got).slice(0, 500)}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, 200);
        this.waiter = () => {
          clearTimeout(t);
          r();
        };
      });
    }
  }
  close() {
    this.ws.close();
  }
}

interface WsCase {
  data: string | Buffer;
  binary: boolean;
  /** The id a server error must carry (a string id the edge could read). */
  id?: string;
}

const goodFrames: Record<(typeof ClientFrameTypes)[number], () => Record<string, unknown>> = {
  resume: () => ({ type: 'resume', rooms: {} }),
  send: () => ({ type: 'send', id: 's1', roomId: publicRoom, clientMsgId: 'c1', text: 'hi' }),
  join: () => ({ type: 'join', id: 'j1', roomId: publicRoom }),
  leave: () => ({ type: 'leave', id: 'l1', roomId: publicRoom }),
  ping: () => ({ type: 'ping', id: 'p1' }),
  presence_subscribe: () => ({ type: 'presence_subscribe', id: 'ps1', userIds: [bob.user.id] }),
  typing: () => ({ type: 'typing', roomId: publicRoom }),
  // message changes name a message by its seq: 1 is never a message of the public room (nothing is changed)
  edit: () => ({ type: 'edit', id: 'e1', roomId: publicRoom, messageSeq: 1, clientOpId: 'o1', text: 'x' }),
  delete: () => ({ type: 'delete', id: 'd1', roomId: publicRoom, messageSeq: 1 }),
  react: () => ({ type: 'react', id: 'r1', roomId: publicRoom, messageSeq: 1, clientOpId: 'o2', emoji: 'tada' }),
  unreact: () => ({ type: 'unreact', id: 'u1', roomId: publicRoom, messageSeq: 1, clientOpId: 'o3', emoji: 'tada' }),
  pin: () => ({ type: 'pin', id: 'n1', roomId: publicRoom, messageSeq: 1, clientOpId: 'o4' }),
  unpin: () => ({ type: 'unpin', id: 'n2', roomId: publicRoom, messageSeq: 1, clientOpId: 'o5' }),
  // JoinRoom's input is a strict {roomId}: any other object there is refused by command-api, with the frame's id
  command: () => ({ type: 'command', id: 'k1', name: 'JoinRoom', input: { roomId: publicRoom } }),
};

/** One WS case that the edge must refuse (never forward): a frame with one bad field, or not a frame at all. */
const wsCase: fc.Arbitrary<WsCase> = fc
  .record({
    type: fc.constantFrom(...ClientFrameTypes),
    mode: fc.constantFrom('field', 'field', 'field', 'extra', 'missing', 'type', 'garbage', 'binary', 'bigid'),
    field: fc.nat(),
    value: fc.oneof(invalidValue.filter((v) => typeof v !== 'string' || v.length < 12_000), invalidId.filter((v) => typeof v !== 'string' || v.length < 12_000)),
    id: fc.oneof(fc.string({ minLength: 1, maxLength: 64 }).filter((s) => s !== 'p1' && isWellFormed(s)), fc.constant(undefined)),
    garbage: garbageBody.filter((s) => s.length < 16 * 1024),
    bogusType: fc.oneof(fc.string({ maxLength: 30 }), wrongType),
  })
  .filter((g) => !(g.type === 'ping' && (g.mode === 'missing' || g.mode === 'field'))) // a ping is valid with any id and without one
  .map((g): WsCase => {
    const frame = goodFrames[g.type]();
    const hasId = 'id' in frame;
    if (hasId && g.id !== undefined) frame.id = g.id;
    const id = typeof frame.id === 'string' ? (frame.id as string) : undefined;
    const fields = Object.keys(frame).filter((k) => k !== 'type' && k !== 'id');
    switch (g.mode) {
      case 'garbage':
        return { data: g.garbage, binary: false };
      case 'binary':
        return { data: Buffer.from(JSON.stringify(frame)), binary: true, id };
      case 'type':
        return { data: JSON.stringify({ ...frame, type: typeof g.bogusType === 'string' && (ClientFrameTypes as readonly string[]).includes(g.bogusType) ? 'nope' : g.bogusType }), binary: false, id };
      case 'extra':
        return { data: JSON.stringify({ ...frame, extra: g.value }), binary: false, id };
      case 'bigid':
        return hasId ? { data: JSON.stringify({ ...frame, id: 'i'.repeat(65 + (g.field % 200)) }), binary: false, id: 'i'.repeat(64) } : { data: JSON.stringify({ ...frame, bad: 1 }), binary: false, id };
      case 'missing': {
        if (fields.length === 0) return { data: JSON.stringify({ ...frame, bad: 1 }), binary: false, id };
        delete frame[fields[g.field % fields.length]];
        return { data: JSON.stringify(frame), binary: false, id };
      }
      default: {
        if (fields.length === 0) return { data: JSON.stringify({ ...frame, id: g.value }), binary: false };
        const f = fields[g.field % fields.length];
        // resume's rooms map: a bad key or a bad position
        frame[f] = f === 'rooms' ? (typeof g.value === 'number' ? { [publicRoom]: -1 - Math.abs(g.value) } : { [text(g.value).slice(0, 100) || '.']: 1 }) : g.value;
        if (f === 'userIds') frame[f] = [g.value];
        return { data: JSON.stringify(frame), binary: false, id };
      }
    }
  })
  .filter((c) => !ClientFrame.safeParse(typeof c.data === 'string' && !c.binary && isJson(c.data) ? JSON.parse(c.data) : undefined).success);

let socket: FuzzSocket | undefined;
let pings = 0;

async function runWs(c: WsCase): Promise<void> {
  socket ??= await FuzzSocket.open(alice.accessToken);
  const frames = await socket.exchange(c.data, c.binary, `fuzz-ping-${++pings}`);
  wsCases++;
  const what = `${c.binary ? 'binary ' : ''}${String(c.data).slice(0, 300)} -> ${JSON.stringify(frames).slice(0, 500)}`;
  for (const f of frames) {
    const parsed = ServerFrame.safeParse(f);
    expect(parsed.success, what).toBe(true);
    const frame = parsed.data!;
    expect(['error', 'hello'].includes(frame.type), `a refused frame got ${frame.type}: ${what}`).toBe(true);
    if (frame.type === 'error') {
      seenCodes.add(`ws:${frame.code}`);
      if (c.id !== undefined) expect(frame.id, what).toBe(c.id);
    }
  }
  if (!socket.closed) expect(frames.filter((f) => (f as { type: string }).type === 'error').length, `no answer: ${what}`).toBe(1);
  if (socket.closed) socket = undefined; // a frame over 16 KiB closes with 1009; go on with a new socket
}

// ------------------------------------------------------------------ unicode edge cases that are valid text

/** Text no control-character rule refuses: direction overrides, joiners, combining marks, BOM, astral, long. */
const unicodeEdge = fc.oneof(
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }).filter(isWellFormed),
  fc.constantFrom('\u202eevil', '\u200d\u200d', 'e\u0301\u0301\u0301', '\ufeffbom', '😀👩\u200d👩\u200d👧', '\u{10ffff}', 'Z\u0351\u0352\u0353'.repeat(20), '  padded  ', 'ﷺ', '\u2028line\u2029'),
  fc.integer({ min: 1, max: 4000 }).map((n) => '𝄞'.repeat(Math.floor(n / 2)) || 'a'),
);

/** Valid-shaped requests carrying such text: answered 2xx or a listed 4xx, stored as written when stored. */
async function runUnicode(s: string): Promise<void> {
  const json = { 'content-type': 'application/json', authorization: `Bearer ${alice.accessToken}` };
  const cases: [string, string, unknown][] = [
    ['PATCH', '/api/me', { displayName: s }],
    ['POST', `/api/rooms/${publicRoom}/messages`, { clientMsgId: `u${++pings}`, text: s }],
    ['GET', `/api/rooms?q=${encodeURIComponent(s.slice(0, 80))}`, undefined],
  ];
  for (const [method, path, body] of cases) {
    const res = await fetch(l.base + path, { method, headers: json, body: body === undefined ? undefined : JSON.stringify(body) });
    const answer = await res.text();
    httpCases++;
    seenStatus.set(res.status, (seenStatus.get(res.status) ?? 0) + 1);
    const what = `${method} ${path.slice(0, 100)} ${JSON.stringify(body)?.slice(0, 100)} -> ${res.status} ${answer.slice(0, 300)}`;
    expect(res.status, what).toBeLessThan(500);
    expect(res.headers.get('content-type') ?? '', what).toMatch(/^application\/json/);
    const parsed = JSON.parse(answer);
    if (res.status >= 400) {
      const e = ErrorBody.parse(parsed);
      expect(ErrorCodes[e.error.code].status, what).toBe(res.status);
      if (res.status === 429) expect(Number(res.headers.get('retry-after')), what).toBeGreaterThanOrEqual(1);
    } else if (method === 'POST') expect(parsed.message.text, what).toBe(s);
    else if (method === 'PATCH') expect(parsed.user.displayName, what).toBe(s.trim());
  }
}

// ------------------------------------------------------------------ the properties

async function streamMessages(): Promise<number> {
  // The stream's message count, through the operator's view of the stack (nats-server's monitoring is off):
  // a NATS client on the launcher's port.
  const { connect } = await import('@nats-io/transport-node');
  const { jetstreamManager } = await import('@nats-io/jetstream');
  const nc = await connect({ servers: `nats://127.0.0.1:${l.ports.nats}` });
  try {
    return (await (await jetstreamManager(nc)).streams.info('NATTER_EVENTS')).state.messages;
  } finally {
    await nc.close();
  }
}

describe('fuzzing through the gateway', () => {
  let before = 0;

  it('every HTTP operation of the OpenAPI document refuses bad input with a listed JSON error, never a 5xx', async () => {
    before = await streamMessages();
    expect(ops().length).toBeGreaterThanOrEqual(15);
    await fc.assert(
      fc.asyncProperty(fc.array(httpCase(), { minLength: 8, maxLength: 8 }), async (batch) => {
        await Promise.all(batch.map(runHttp));
      }),
      { numRuns: 500, interruptAfterTimeLimit: 45_000, markInterruptAsFailure: false },
    );
    expect(httpCases).toBeGreaterThanOrEqual(1500);
  }, 150_000);

  it('every WebSocket frame type refuses bad frames with a valid error frame carrying the frame\'s id', async () => {
    await fc.assert(fc.asyncProperty(wsCase, runWs), { numRuns: 4000, interruptAfterTimeLimit: 30_000, markInterruptAsFailure: false });
    socket?.close();
    expect(wsCases).toBeGreaterThanOrEqual(1000);
  }, 120_000);

  it('nothing refused was appended', async () => {
    expect(await streamMessages()).toBe(before);
  });

  it('unicode edge cases that are valid text are stored as written or refused with a listed code, never a 5xx', async () => {
    await fc.assert(fc.asyncProperty(unicodeEdge, runUnicode), { numRuns: 300, interruptAfterTimeLimit: 20_000, markInterruptAsFailure: false });
  }, 60_000);

  it('every process is the one that started', async () => {
    const now = new Map([...l.units()].map(([n, p]) => [n, p.pid]));
    expect(now).toEqual(startPids);
    expect(l.output).not.toMatch(/ exited \(.*; restart \d/);
  });
});
