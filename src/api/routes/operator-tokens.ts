import { Type } from 'typebox';
import type { OperatorToken } from '../../domain/operators.js';
import { notFound } from '../../errors/api-errors.js';
import type { OperatorTokenService } from '../../services/operator-tokens.js';
import { adminAccess, adminRead } from '../route-access.js';
import { Pagination } from '../schemas.js';
import { page, type Api } from './context.js';

/** Ten years: a token meant to outlive that should be created without `expiresIn`. */
const MAX_OPERATOR_TTL_S = 10 * 365 * 86_400;

export const OperatorTokenCreate = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100, description: 'who or what holds it; unique' }),
    role: Type.Union([Type.Literal('viewer'), Type.Literal('operator'), Type.Literal('admin')], { description: 'viewer: reads (no secrets); operator: also resends, recovers, enables and disables endpoints; admin: everything' }),
    expiresIn: Type.Optional(Type.Integer({ minimum: 60, maximum: MAX_OPERATOR_TTL_S, description: 'seconds; absent: until revoked' })),
  },
  { additionalProperties: false },
);
const OperatorTokenParams = Type.Object({ tokenId: Type.String({ maxLength: 64 }) });

export const operatorTokenJson = (t: OperatorToken) => ({ id: t.id, name: t.name, role: t.role, expiresAt: t.expiresAt, createdAt: t.createdAt });

/** Named operator tokens over every app (docs/operators.md): only an admin issues and revokes them. */
export function operatorTokenRoutes(api: Api, tokens: OperatorTokenService): void {
  api.post('/api/v1/tokens', { config: adminAccess, schema: { body: OperatorTokenCreate, tags: ['operators'], summary: 'Create a named operator token with a role (its text is shown only in this answer)' } }, async (req, reply) => {
    const issued = await tokens.issue(req.body.name, req.body.role, req.body.expiresIn ?? null);
    reply.status(201);
    return { ...operatorTokenJson(issued.record), token: issued.token };
  });

  api.get('/api/v1/tokens', { config: adminRead, schema: { querystring: Pagination, tags: ['operators'], summary: 'Named operator tokens, newest first (never their text)' } }, async (req) => {
    const result = await tokens.list(page(req.query, 'opt'));
    return { ...result, data: result.data.map(operatorTokenJson) };
  });

  api.delete('/api/v1/tokens/:tokenId', { config: adminAccess, schema: { params: OperatorTokenParams, tags: ['operators'], summary: 'Revoke a named operator token: its next call answers 401' } }, async (req, reply) => {
    if (!(await tokens.revoke(req.params.tokenId))) throw notFound('operator token', req.params.tokenId);
    return reply.status(204).send();
  });
}
