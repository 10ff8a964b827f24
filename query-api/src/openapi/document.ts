import { AsOfSeqHeader, ErrorBody, ErrorCodes, Limits, type ErrorCode } from '@natter/contracts';
import { z } from 'zod';
import { apiRoutes, inputComponents, outputComponents, type ApiRoute } from './api-routes';

type Json = Record<string, unknown>;
const ref = (id: string) => `#/components/schemas/${id}`;

/** Component schemas from a zod registry, without the per-schema `$schema`/`$id` that OpenAPI does not want. */
function components(named: Record<string, z.ZodType>, io: 'input' | 'output', extra: Record<string, z.ZodType> = {}): Record<string, Json> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries({ ...named, ...extra })) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, { io, uri: ref, unrepresentable: 'any' }) as { schemas: Record<string, Json> };
  for (const s of Object.values(schemas)) {
    delete s.$schema;
    delete s.$id;
  }
  return schemas;
}

function inline(schema: z.ZodType, io: 'input' | 'output'): Json {
  const s = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Json;
  delete s.$schema;
  return s;
}

function componentId(schema: z.ZodType, named: Record<string, z.ZodType>): string | undefined {
  return Object.entries(named).find(([, s]) => s === schema)?.[0];
}

/** Error codes a route can answer, beyond its own list. */
function errorCodesOf(r: ApiRoute): ErrorCode[] {
  const codes = new Set<ErrorCode>(r.errors);
  if (r.auth) ['unauthenticated', 'token_expired', 'user_deactivated'].forEach((c) => codes.add(c as ErrorCode));
  if (r.params || r.query || r.body) codes.add('validation_failed');
  // Every command route reads a JSON body; one that takes none still refuses anything but nothing or `{}`.
  if (r.body || r.service === 'command-api') ['validation_failed', 'bad_json', 'body_too_large'].forEach((c) => codes.add(c as ErrorCode));
  if (r.query?.shape.minSeq) codes.add('projection_lagging');
  codes.add('internal');
  codes.add('unavailable');
  return [...codes];
}

function errorResponses(codes: ErrorCode[]): Json {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const c of codes) byStatus.set(ErrorCodes[c].status, [...(byStatus.get(ErrorCodes[c].status) ?? []), c]);
  const out: Json = {};
  for (const [status, list] of [...byStatus].sort(([a], [b]) => a - b)) {
    out[String(status)] = {
      description: list.map((c) => `\`${c}\`: ${ErrorCodes[c].message}`).join(' '),
      content: {
        'application/json': {
          schema: { allOf: [{ $ref: ref('ErrorBody') }, { type: 'object', properties: { error: { type: 'object', properties: { code: { enum: list } } } } }] },
        },
      },
    };
  }
  return out;
}

function parameters(r: ApiRoute): Json[] {
  const out: Json[] = [];
  for (const [name, schema] of Object.entries(r.params?.shape ?? {})) {
    out.push({ name, in: 'path', required: true, schema: inline(schema as z.ZodType, 'input') });
  }
  for (const [name, schema] of Object.entries(r.query?.shape ?? {})) {
    const s = schema as z.ZodType;
    const description =
      name === 'minSeq'
        ? `Wait (at most ${Limits.minSeqWaitMsMax} ms) until the read model has applied this stream sequence, else 503 projection_lagging.`
        : undefined;
    out.push({ name, in: 'query', required: !s.safeParse(undefined).success, schema: inline(s, 'input'), ...(description ? { description } : {}) });
  }
  return out;
}

function operation(r: ApiRoute): Json {
  const outId = componentId(r.success.schema, outputComponents);
  const inId = r.body && componentId(r.body, inputComponents);
  const success: Json = {
    description: r.success.description,
    content:
      r.media?.success === 'binary'
        ? { '*/*': { schema: { type: 'string', contentMediaType: 'application/octet-stream' } } }
        : { 'application/json': { schema: outId ? { $ref: ref(outId) } : inline(r.success.schema, 'output') } },
  };
  // Reads of the read model carry the as-of header; live-state reads (presence) take no minSeq and have none.
  if (r.service === 'query-api' && r.query?.shape.minSeq) {
    success.headers = { [AsOfSeqHeader]: { description: 'Same as `asOfSeq` in the body.', schema: { type: 'integer' } } };
  }
  return {
    operationId: r.operationId,
    summary: r.summary,
    ...(r.description ? { description: r.description } : {}),
    tags: [r.service],
    security: r.auth ? [{ bearer: [] }] : [],
    'x-natter-service': r.service,
    parameters: parameters(r),
    ...(r.media?.body === 'multipart'
      ? { requestBody: { required: true, content: { 'multipart/form-data': { schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', contentMediaType: 'application/octet-stream' } } } } } } }
      : {}),
    ...(r.media?.success === 'binary' ? { 'x-natter-ranges': true } : {}),
    ...(r.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: inId ? { $ref: ref(inId) } : inline(r.body, 'input') } } } }
      : {}),
    responses: { [String(r.success.status)]: success, ...errorResponses(errorCodesOf(r)) },
  };
}

const errorCodeTable = (Object.keys(ErrorCodes) as ErrorCode[]).map((c) => `| \`${c}\` | ${ErrorCodes[c].status} | ${ErrorCodes[c].message} |`).join('\n');

/** The OpenAPI 3.1 document of Natter's whole HTTP API, generated from the contracts zod schemas. */
export function buildOpenApiDocument(): Json {
  const paths: Record<string, Json> = {};
  for (const r of apiRoutes) {
    const p = r.path.replace(/:([A-Za-z]+)/g, '{$1}');
    paths[p] = { ...(paths[p] ?? {}), [r.method]: operation(r) };
  }
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: 'Natter HTTP API',
      version: '1',
      description: [
        'Commands (POST/PATCH/DELETE, served by command-api) append events; reads (GET, served by query-api) come from',
        'read models. Every read answers `asOfSeq` (and the `Natter-As-Of-Seq` header): the stream sequence it is',
        'current up to. A command answers the `seq` it appended; pass it as `?minSeq=` on the next read to see your',
        `own write (the read waits at most ${Limits.minSeqWaitMsMax} ms, then 503 projection_lagging).`,
        '',
        'Missing or not yours: a private room you are not a member of answers exactly like a room that does not exist,',
        '`404 room_not_found`, from every route (reads, join, leave, send, members), so room ids reveal nothing. A public',
        'room you are not in answers `403 not_member` where membership is needed (history, send, leave).',
        '',
        'Room reads (details, members, history) always see the room\'s latest membership change: right after a removal',
        'or leave has answered, the removed user\'s reads of the room are refused.',
        '',
        `Limits: bodies ${Limits.httpBodyBytes / 1024} KiB (413 body_too_large), JSON only (415 unsupported_media_type).`,
        'Rate limits (per client address: login, register, refresh; per user: sends, room creation; shared by every',
        'server instance) answer `429 rate_limited` with `Retry-After` (seconds) and `details.retryAfterMs`: wait that',
        'long, then retry the same request. Login backs off per account and address after repeated wrong passwords;',
        'another address (the owner\'s) is not slowed.',
        '',
        'Every error body is `{"error":{"code","message","details?"}}`, from the services and from the gateway alike.',
        'The closed list of codes:',
        '',
        '| code | HTTP status | meaning |',
        '|---|---|---|',
        errorCodeTable,
      ].join('\n'),
    },
    servers: [{ url: '/' }],
    tags: [
      { name: 'command-api', description: 'Writes: accounts, rooms, messages.' },
      { name: 'query-api', description: 'Reads from the read models, every read authorized.' },
    ],
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT (EdDSA access token)' } },
      schemas: {
        ...components(outputComponents, 'output', { ErrorBody }),
        ...components(inputComponents, 'input'),
        ErrorCode: {
          type: 'string',
          enum: Object.keys(ErrorCodes),
          description: `Every error code with its HTTP status:\n\n| code | status | meaning |\n|---|---|---|\n${errorCodeTable}`,
          'x-natter-error-codes': Object.fromEntries(Object.entries(ErrorCodes).map(([c, v]) => [c, { status: v.status, message: v.message }])),
        },
      },
    },
  };
}
