import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHerald, type TestHerald } from '../helpers/test-herald.js';

type Operation = { security?: unknown[]; responses?: Record<string, unknown>; parameters?: Array<{ in: string; name: string }> };
type Doc = {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes: Record<string, { type: string; scheme?: string }> };
  security: Array<Record<string, unknown>>;
};

let herald: TestHerald;
let doc: Doc;

beforeAll(async () => {
  herald = await startTestHerald();
  // No Authorization header: the description is public.
  const res = await fetch(`${herald.url}/api/v1/openapi.json`);
  expect(res.status).toBe(200);
  doc = (await res.json()) as Doc;
});
afterAll(() => herald.stop());

describe('GET /api/v1/openapi.json', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    // A maintained validator that checks against the official OpenAPI schemas.
    const result = await new Validator().validate(structuredClone(doc) as unknown as Record<string, unknown>);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    // The validator does reject a broken document (a response without its required description).
    const broken = await new Validator().validate({ ...structuredClone(doc), paths: { '/x': { get: { responses: { 200: {} } } } } } as unknown as Record<string, unknown>);
    expect(broken.valid).toBe(false);
  });

  it('documents every registered route with its method', () => {
    const routes = (herald.server as unknown as { heraldRoutes: Array<{ method: string; url: string }> }).heraldRoutes;
    // Deliberately undocumented: Swagger UI's own pages and assets, Prometheus' text-format scrape
    // target, and wildcard routes (static files), which cannot be OpenAPI paths.
    const undocumented = (url: string) => url.startsWith('/docs') || url === '/metrics' || url.includes('*');
    const documentable = routes.filter((r) => !undocumented(r.url));
    expect(documentable.length).toBeGreaterThan(15);
    const missing = documentable
      .map((r) => ({ method: r.method.toLowerCase(), path: r.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}') }))
      .filter(({ method, path }) => !doc.paths[path]?.[method])
      .map(({ method, path }) => `${method.toUpperCase()} ${path}`);
    expect(missing).toEqual([]);
  });

  it('requires the bearer token for the API and nothing for health and the document itself', () => {
    const [name, scheme] = Object.entries(doc.components.securitySchemes)[0]!;
    expect(scheme).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.security).toEqual([{ [name]: [] }]);
    const publish = doc.paths['/api/v1/apps/{appId}/messages']!.post!;
    expect(publish.security).toBeUndefined(); // inherits the document-wide requirement
    expect(publish.parameters).toContainEqual(expect.objectContaining({ in: 'path', name: 'appId' }));
    expect(publish.responses).toHaveProperty('4XX');
    expect(doc.paths['/healthz']!.get!.security).toEqual([]);
    expect(doc.paths['/api/v1/openapi.json']!.get!.security).toEqual([]);
  });
});

describe('GET /docs', () => {
  it('serves a readable API reference without a token, with every asset from Herald itself', async () => {
    const res = await fetch(`${herald.url}/docs`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(assets.length).toBeGreaterThan(0);
    for (const asset of assets) expect(asset, asset).not.toMatch(/^(https?:)?\/\//);
    const script = assets.find((a) => a.endsWith('swagger-ui-bundle.js'))!;
    const bundle = await fetch(new URL(script, `${herald.url}/docs/`));
    expect(bundle.status).toBe(200);
    await bundle.arrayBuffer();
    const spec = await fetch(`${herald.url}/docs/json`);
    expect(((await spec.json()) as Doc).paths).toEqual(doc.paths);
  });
});
