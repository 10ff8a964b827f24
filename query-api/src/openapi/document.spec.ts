import { ErrorCodes } from '@natter/contracts';
import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from './document';

const doc = buildOpenApiDocument() as any;

/** Every HTTP route of the shared brief, both services. */
const briefRoutes: [string, string, number][] = [
  // notifications (issue 13)
  ['patch', '/api/me/notification-settings', 200],
  ['patch', '/api/rooms/{roomId}/notification-settings', 200],
  ['patch', '/api/rooms/{roomId}/messages/{messageSeq}/thread-mute', 200],
  ['post', '/api/me/notifications/read', 200],
  ['post', '/api/me/push-subscriptions', 201],
  ['delete', '/api/me/push-subscriptions/{subscriptionId}', 200],
  ['get', '/api/me/notifications', 200],
  ['get', '/api/me/notification-settings', 200],
  ['get', '/api/push/vapid-key', 200],
  ['post', '/api/notifications/unsubscribe', 200],
  ['post', '/api/auth/register', 201],
  ['post', '/api/auth/login', 200],
  ['post', '/api/auth/refresh', 200],
  ['post', '/api/auth/logout', 200],
  ['post', '/api/auth/password-reset/request', 202],
  ['post', '/api/auth/password-reset', 200],
  ['post', '/api/auth/verify-email', 200],
  ['post', '/api/me/email/verification', 202],
  ['post', '/api/me/email', 200],
  ['patch', '/api/me', 200],
  ['post', '/api/rooms', 201],
  ['post', '/api/rooms/{roomId}/join', 200],
  ['post', '/api/rooms/{roomId}/leave', 200],
  ['post', '/api/rooms/{roomId}/members', 200],
  ['delete', '/api/rooms/{roomId}/members/{userId}', 200],
  ['post', '/api/rooms/{roomId}/messages', 201],
  ['get', '/api/me', 200],
  ['get', '/api/users/{userId}', 200],
  ['get', '/api/users/{userId}/presence', 200],
  ['get', '/api/me/rooms', 200],
  ['get', '/api/rooms', 200],
  ['get', '/api/rooms/{roomId}', 200],
  ['get', '/api/rooms/{roomId}/members', 200],
  ['get', '/api/rooms/{roomId}/messages', 200],
  // files (issue 13)
  ['post', '/api/rooms/{roomId}/files', 201],
  ['get', '/api/rooms/{roomId}/files/{fileId}', 200],
  ['get', '/api/rooms/{roomId}/files/{fileId}/thumb', 200],
  ['put', '/api/me/avatar', 200],
  ['delete', '/api/me/avatar', 200],
  ['get', '/api/users/{userId}/avatar', 200],
  // ---- people and administration (issue 11)
  ['patch', '/api/rooms/{roomId}', 200],
  ['post', '/api/rooms/{roomId}/archive', 200],
  ['post', '/api/rooms/{roomId}/unarchive', 200],
  ['delete', '/api/rooms/{roomId}', 200],
  ['patch', '/api/rooms/{roomId}/members/{userId}', 200],
  ['post', '/api/rooms/{roomId}/owner', 200],
  ['post', '/api/rooms/{roomId}/bans', 200],
  ['delete', '/api/rooms/{roomId}/bans/{userId}', 200],
  ['post', '/api/rooms/{roomId}/invites', 201],
  ['delete', '/api/rooms/{roomId}/invites/{inviteId}', 200],
  ['post', '/api/invites/redeem', 200],
  ['post', '/api/dms/messages', 201],
  ['post', '/api/admin/users/{userId}/deactivate', 200],
  ['post', '/api/admin/users/{userId}/reactivate', 200],
  ['post', '/api/admin/users/{userId}/logout', 200],
  ['post', '/api/admin/users/{userId}/password', 200],
  ['post', '/api/admin/users/{userId}/admin', 200],
  ['delete', '/api/admin/users/{userId}/admin', 200],
  ['patch', '/api/admin/settings', 200],
  ['post', '/api/admin/read-model/rebuild', 202],
  ['get', '/api/users', 200],
  ['get', '/api/rooms/{roomId}/invites', 200],
  ['get', '/api/rooms/{roomId}/bans', 200],
  ['get', '/api/admin/users', 200],
  ['get', '/api/admin/users/{userId}/sessions', 200],
  ['get', '/api/admin/rooms', 200],
  ['get', '/api/admin/rooms/{roomId}/members', 200],
  ['get', '/api/admin/audit', 200],
  ['get', '/api/admin/status', 200],
  // issue 10
  ['patch', '/api/rooms/{roomId}/messages/{messageSeq}', 200],
  ['delete', '/api/rooms/{roomId}/messages/{messageSeq}', 200],
  ['post', '/api/rooms/{roomId}/messages/{messageSeq}/react', 200],
  ['post', '/api/rooms/{roomId}/messages/{messageSeq}/unreact', 200],
  ['post', '/api/rooms/{roomId}/messages/{messageSeq}/pin', 200],
  ['post', '/api/rooms/{roomId}/messages/{messageSeq}/unpin', 200],
  ['patch', '/api/rooms/{roomId}/settings', 200],
  ['get', '/api/rooms/{roomId}/messages/{messageSeq}', 200],
  ['get', '/api/rooms/{roomId}/messages/{messageSeq}/history', 200],
  ['get', '/api/rooms/{roomId}/messages/{messageSeq}/thread', 200],
  ['get', '/api/rooms/{roomId}/pins', 200],
  ['get', '/api/rooms/{roomId}/settings', 200],
  // issue 12
  ['get', '/api/search', 200],
  // issue 12: read markers
  ['post', '/api/me/read-markers', 200],
];

/** Reads of live state rather than the read model: no minSeq, no as-of header. */
const liveRoutes = ['/api/users/{userId}/presence', '/api/admin/status', '/api/users/{userId}/avatar', '/api/rooms/{roomId}/files/{fileId}', '/api/rooms/{roomId}/files/{fileId}/thumb', '/api/push/vapid-key'];

function refs(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => refs(n, out));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') out.push(v);
      else refs(v, out);
    }
  }
  return out;
}

describe('OpenAPI document', () => {
  it('is OpenAPI 3.1 with a bearer scheme', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it.each(briefRoutes)('has %s %s with its success status', (method, path, status) => {
    const op = doc.paths[path]?.[method];
    expect(op, `${method} ${path}`).toBeDefined();
    expect(op.responses[String(status)]).toBeDefined();
  });

  it('has no routes beyond the brief', () => {
    const all = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops as object).map((m) => `${m} ${p}`));
    expect(all.sort()).toEqual(briefRoutes.map(([m, p]) => `${m} ${p}`).sort());
  });

  it('documents the error body and every error code', () => {
    expect(doc.components.schemas.ErrorBody.properties.error.properties.code.enum.sort()).toEqual(Object.keys(ErrorCodes).sort());
    expect(Object.keys(doc.components.schemas.ErrorCode['x-natter-error-codes']).sort()).toEqual(Object.keys(ErrorCodes).sort());
    for (const code of Object.keys(ErrorCodes)) expect(doc.info.description).toContain(`\`${code}\``);
  });

  it('authenticated routes declare bearer security and 401; query routes declare minSeq and the as-of header', () => {
    for (const [method, path] of briefRoutes) {
      const op = doc.paths[path][method];
      const open = ['/api/auth/register', '/api/auth/login', '/api/auth/refresh', '/api/auth/password-reset/request', '/api/auth/password-reset', '/api/auth/verify-email', '/api/notifications/unsubscribe'].includes(path);
      expect(op.security, path).toEqual(open ? [] : [{ bearer: [] }]);
      if (!open) expect(op.responses['401'].description).toContain('token_expired');
      if (method === 'get' && liveRoutes.includes(path)) {
        expect(op.parameters.map((p: { name: string }) => p.name)).toEqual([...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]));
        expect(op.responses['200'].headers).toBeUndefined();
      } else if (method === 'get') {
        expect(op.parameters.map((p: { name: string }) => p.name)).toContain('minSeq');
        expect(op.responses['503'].description).toContain('projection_lagging');
        expect(op.responses['200'].headers['Natter-As-Of-Seq']).toBeDefined();
      }
    }
    const history = doc.paths['/api/rooms/{roomId}/messages'].get;
    expect(history.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`)).toEqual(['path:roomId', 'query:before', 'query:after', 'query:limit', 'query:minSeq']);
    expect(history.responses['403'].content['application/json'].schema.allOf[1].properties.error.properties.code.enum).toContain('not_member');
  });

  it('request bodies come from the contracts schemas', () => {
    const register = doc.paths['/api/auth/register'].post.requestBody.content['application/json'].schema;
    expect(register).toEqual({ $ref: '#/components/schemas/RegisterBody' });
    expect(doc.components.schemas.RegisterBody.required.sort()).toEqual(['displayName', 'email', 'password', 'username']);
    expect(doc.components.schemas.RegisterBody.additionalProperties).toBe(false);
    // Input view: defaulted fields are optional to send.
    expect(doc.components.schemas.CreateRoomBody.required).not.toContain('topic');
  });

  it('every $ref resolves', () => {
    for (const r of refs(doc)) {
      expect(r.startsWith('#/components/schemas/'), r).toBe(true);
      expect(doc.components.schemas[r.slice('#/components/schemas/'.length)], r).toBeDefined();
    }
  });
});
