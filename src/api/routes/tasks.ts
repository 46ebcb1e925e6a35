import { Type } from 'typebox';
import type { FastifyRequest } from 'fastify';
import type { Endpoint } from '../../domain/model.js';
import type { Task } from '../../domain/task.js';
import { ApiError } from '../../errors/api-errors.js';
import { EndpointParams } from '../schemas.js';
import { tenantApp } from '../tenancy.js';
import type { Api, ApiContext } from './context.js';
import { portalNeeds } from '../route-access.js';

export const RecoverCreate = Type.Object(
  { since: Type.String({ format: 'date-time', description: 'ISO 8601 time: failed deliveries created since then are sent again' }) },
  { additionalProperties: false },
);
const TaskParams = Type.Object({ appId: Type.String({ maxLength: 128 }), taskId: Type.String({ maxLength: 64 }) });

export const taskJson = (t: Task) => ({
  id: t.id,
  appId: t.appId,
  kind: t.kind,
  status: t.status,
  total: t.total,
  done: t.done,
  endpointId: t.params.endpointId,
  since: t.params.since,
  error: t.error,
  createdAt: t.createdAt,
  updatedAt: t.updatedAt,
});

/** Bulk recovery and the background tasks that carry it out. */
export function taskRoutes(api: Api, ctx: ApiContext): void {
  // The endpoint is looked up before the body is validated, as the app is (tenancy.ts): an unknown
  // endpoint answers 404 whatever the body, as on every other route.
  const endpoints = new WeakMap<FastifyRequest, Endpoint>();
  const loadEndpoint = async (req: FastifyRequest) => {
    const { endpointId } = req.params as { endpointId: string };
    endpoints.set(req, await ctx.endpoints.get(tenantApp(req).id, endpointId));
  };

  api.post('/api/v1/apps/:appId/endpoints/:endpointId/recover', { config: portalNeeds('recover'), preValidation: loadEndpoint, schema: { params: EndpointParams, body: RecoverCreate, tags: ['endpoints'] } }, async (req, reply) => {
    const endpoint = endpoints.get(req)!;
    const since = new Date(req.body.since);
    if (Number.isNaN(since.getTime())) throw new ApiError('validation_error', `since must be an ISO 8601 time, got "${req.body.since}"`);
    const task = await ctx.recovery.recover(endpoint, since);
    // 202: the resending goes on in the background; poll GET …/tasks/{taskId} for progress.
    reply.status(202);
    return taskJson(task);
  });

  api.get('/api/v1/apps/:appId/tasks/:taskId', { config: { ...portalNeeds('recover'), role: 'viewer' }, schema: { params: TaskParams, tags: ['tasks'] } }, async (req) => {
    return taskJson(await ctx.recovery.get(tenantApp(req).id, req.params.taskId));
  });
}
