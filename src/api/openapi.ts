import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, FastifySchema } from 'fastify';

export const OPENAPI_PATH = '/api/v1/openapi.json';
export const DOCS_PATH = '/docs';

/** The body of every error answer (src/api/error-handler.ts). */
const ErrorBody = {
  type: 'object',
  required: ['code', 'message'],
  properties: {
    code: { type: 'string', examples: ['not_found', 'validation_error', 'unauthorized'] },
    message: { type: 'string' },
    details: { description: 'when code is validation_error: [{field, message}], each field\'s problem in words' },
  },
} as const;

const TAGS = [
  { name: 'apps', description: 'Apps: one per customer or tenant of your product; everything else belongs to an app.' },
  { name: 'event-types', description: 'The catalogue of event types endpoints can subscribe to.' },
  { name: 'endpoints', description: "Where an app's messages are delivered, and how they are formatted and signed." },
  { name: 'messages', description: 'Publish messages (202 once stored and queued) and resend them.' },
  { name: 'attempts', description: 'Every delivery attempt, with the request sent and the response received.' },
  { name: 'tokens', description: 'App-scoped API tokens and portal links, issued with the admin token.' },
  { name: 'operators', description: 'Named operator tokens with roles (admin, operator, viewer) and the audit log of every change.' },
  { name: 'tasks', description: 'Background tasks (bulk recovery) and their progress.' },
  { name: 'svix', description: "Svix's v1 API, for Svix's SDKs: errors answer `{code, detail}` (docs/svix-compatibility.md)." },
  { name: 'meta', description: 'Health, readiness and this description; no token needed.' },
];

type Operation = { responses?: Record<string, unknown> };
type OpenApiDocument = { paths?: Record<string, Record<string, Operation>> };

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

/** Every API operation can fail the same ways; say so once per operation rather than in each route. */
function withErrorResponses<D>(doc: D): D {
  for (const [path, item] of Object.entries((doc as OpenApiDocument).paths ?? {})) {
    if (!isApiPath(path)) continue;
    for (const operation of Object.values(item)) {
      operation.responses = {
        ...operation.responses,
        '4XX': errorResponse('Client error: invalid input, missing or invalid token, not found, conflict, rate limited'),
        '5XX': errorResponse('Server error; the details are in the server log'),
      };
    }
  }
  return doc;
}

const isApiPath = (url: string) => url.startsWith('/api/') && url !== OPENAPI_PATH;

/**
 * Describes the API from the routes' own TypeBox schemas, so the document cannot drift from what
 * is validated. Must run before any route is registered: @fastify/swagger collects routes as they
 * are added. Serves the document at OPENAPI_PATH and a reference (Swagger UI, assets bundled in
 * the package, nothing loaded from elsewhere) at DOCS_PATH; both without a token.
 */
export async function installOpenApi(app: FastifyInstance, options: { version: string }): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Herald API',
        version: options.version,
        description:
          'Herald delivers webhooks: durable, signed, retried, observable. Authenticate with `Authorization: Bearer <token>` ' +
          '(the admin token, or an app token that sees only its app). Errors answer `{ "code", "message" }`.',
      },
      components: {
        schemas: { Error: ErrorBody as never },
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', description: 'The admin token (`herald serve` prints it) or an app token.' },
        },
      },
      security: [{ bearerAuth: [] }],
      tags: TAGS,
    },
    // Routes outside /api (health, this document) need no token.
    transform: ({ schema, url }) =>
      isApiPath(url) ? { schema, url } : { schema: { tags: ['meta'], ...schema, security: [] } as FastifySchema, url },
    transformObject: (doc) => ('openapiObject' in doc ? withErrorResponses(doc.openapiObject) : doc.swaggerObject),
  });

  app.get(OPENAPI_PATH, { schema: { tags: ['meta'], summary: 'This API description (OpenAPI 3.1)' } }, async () => app.swagger());
  await app.register(swaggerUi, {
    routePrefix: DOCS_PATH,
    uiConfig: { deepLinking: true, docExpansion: 'list', defaultModelsExpandDepth: 0 },
    // Swagger UI's "valid" badge would contact an outside validator; Herald's pages load nothing from elsewhere.
    validatorUrl: false,
  });
}
