import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// The direction of imports (docs: DESIGN "Layering"): cli → herald.ts → api → services → delivery
// → store → domain/wire, with errors, shared shapes, security helpers and the logger at the bottom
// where every layer may use them. A file may import its own folder, or a layer of lower rank; never
// one above it. The rule is read from the import statements themselves (type-only ones included:
// a type import upward couples the layers all the same), so nothing here runs the code.

const SRC = join(dirname(fileURLToPath(import.meta.url)), '../../src');

interface Layer {
  name: string;
  rank: number;
  /** Paths under src/ without extension: a folder ("api/") or one file ("herald"). Longest match wins. */
  paths: string[];
}

const LAYERS: Layer[] = [
  { name: 'cli', rank: 100, paths: ['cli/'] },
  { name: 'composition root', rank: 90, paths: ['herald'] },
  { name: 'api', rank: 80, paths: ['api/'] },
  { name: 'services', rank: 70, paths: ['services/'] },
  { name: 'delivery', rank: 60, paths: ['delivery/'] },
  // Code that works on a Store handed to it, so it sits above the store (which never imports it):
  // the key management the composition root and the CLI run (unlocking, re-sealing, heartbeats; the
  // AES box implements the store's SecretCodec port) and the metrics, which read backlog gauges
  // from the store at scrape time. Only herald.ts, cli/ and api/ (the metrics route) use them.
  {
    name: 'store users',
    rank: 50,
    paths: [
      'security/secret-box', 'security/deferred-codec', 'security/unlock-store', 'security/rotate-key',
      'security/process-presence', 'observability/metrics',
      // Spans of publishes, attempts, claims and settles (the delivery loop and the message service
      // take its hooks); it reads the store's shapes only.
      'observability/tracing', 'observability/otel-tracing', 'observability/otel-sampler',
      'observability/leader-gauge',
    ],
  },
  { name: 'store', rank: 40, paths: ['store/'] },
  // Config reads domain's defaults (retry schedule, durations) and checks config files against the
  // shared shapes, so it sits just above them; everything from the store up may read it.
  { name: 'config', rank: 30, paths: ['config/'] },
  { name: 'domain', rank: 20, paths: ['domain/'] },
  { name: 'wire', rank: 15, paths: ['wire/'] },
  // The bottom: imports nothing of Herald's above it, and every layer may use it.
  {
    name: 'bottom',
    rank: 10,
    paths: ['errors/', 'schemas/', 'security/', 'observability/logger', 'version'],
  },
];

/**
 * The SDK and the dashboard stand apart: they ship to other programs and to browsers. At run time
 * they import only themselves and the pure code named here; type-only imports of the server's shapes
 * are fine (erased at build), and they are how the client's types follow the server's schemas.
 */
const APART: Record<string, { runtime: string[]; importedBy: string[] }> = {
  // The CLI is an API client like any other program: it uses the published client.
  'sdk/': { runtime: ['sdk/', 'wire/'], importedBy: ['cli/', 'dashboard/'] },
  // Pure code shared with the server, so the browser reads what the server writes the same way:
  // domain/durations.ts (the endpoint form's duration forms), wire/ (JSON with its numbers kept).
  'dashboard/': { runtime: ['dashboard/', 'domain/', 'wire/'], importedBy: [] },
};

interface Import {
  from: string;
  specifier: string;
  to: string;
  typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Every relative import, re-export and dynamic import() of one file, resolved to a path under src/. */
function importsOf(file: string): Import[] {
  const text = readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const from = relative(SRC, file).replaceAll('\\', '/');
  const found: Import[] = [];
  const add = (specifier: string, typeOnly: boolean) => {
    if (!specifier.startsWith('.')) return; // a package
    const to = normalize(join(dirname(from), specifier)).replaceAll('\\', '/');
    if (to.startsWith('..')) return; // outside src/ (package.json)
    found.push({ from, specifier, to: to.replace(/\.(js|ts|tsx)$/, ''), typeOnly });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      add(node.moduleSpecifier.text, node.importClause?.isTypeOnly ?? false);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      add(node.moduleSpecifier.text, node.isTypeOnly);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [arg] = node.arguments;
      if (arg && ts.isStringLiteral(arg)) add(arg.text, false);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const startsWithAny = (path: string, prefixes: string[]) => prefixes.some((p) => path.startsWith(p));

function layerOf(path: string): Layer | undefined {
  let best: { layer: Layer; length: number } | undefined;
  for (const layer of LAYERS) {
    for (const p of layer.paths) {
      const matches = p.endsWith('/') ? path.startsWith(p) : path === p;
      if (matches && (!best || p.length > best.length)) best = { layer, length: p.length };
    }
  }
  return best?.layer;
}

const apartOf = (path: string) => Object.keys(APART).find((prefix) => path.startsWith(prefix));

/** What is wrong with one import, or null when it goes the allowed way. */
function violation(imp: Import): string | null {
  const where = `src/${imp.from} imports '${imp.specifier}'`;
  const fromApart = apartOf(imp.from);
  const toApart = apartOf(imp.to);
  if (fromApart) {
    if (imp.typeOnly || startsWithAny(imp.to, APART[fromApart]!.runtime)) return null;
    return `${where}: ${fromApart} stands apart and may import at run time only ${APART[fromApart]!.runtime.join(', ')} (use import type for the server's shapes)`;
  }
  if (toApart) {
    if (startsWithAny(imp.from, APART[toApart]!.importedBy)) return null;
    return `${where}: the server may not depend on ${toApart}, which stands apart`;
  }
  const source = layerOf(imp.from.replace(/\.tsx?$/, ''));
  const target = layerOf(imp.to);
  if (!source || !target) return `${where}: ${!source ? imp.from : imp.to} is in no layer; add it to LAYERS in test/unit/layering.test.ts`;
  if (target.rank <= source.rank) return null;
  return `${where}: ${source.name} may not import ${target.name}, which is above it`;
}

const imports = sourceFiles(SRC).flatMap(importsOf);

describe('layering', () => {
  it('finds the imports it checks (a parser that found nothing would pass everything)', () => {
    expect(imports.length).toBeGreaterThan(300);
    expect(imports).toContainEqual({ from: 'api/routes/apps.ts', specifier: '../../schemas/bodies.js', to: 'schemas/bodies', typeOnly: false });
  });

  it('places every file under src in a layer, or in the SDK or dashboard', () => {
    const files = sourceFiles(SRC).map((f) => relative(SRC, f).replaceAll('\\', '/'));
    const unplaced = files.filter((f) => !apartOf(f) && !layerOf(f.replace(/\.tsx?$/, '')));
    expect(unplaced, 'files in no layer: add them to LAYERS').toEqual([]);
  });

  it('imports only downward: no layer imports one above it', () => {
    const wrong = imports.map(violation).filter((v): v is string => v !== null);
    const order = LAYERS.map((l) => l.name).join(' > ');
    expect(wrong, `imports against the layering (${order}):\n${wrong.join('\n')}`).toEqual([]);
  });

  it('refuses an upward import, naming the file and the import', () => {
    const up = { from: 'services/app-service.ts', specifier: '../api/errors.js', to: 'api/errors', typeOnly: false };
    expect(violation(up)).toMatch(/^src\/services\/app-service\.ts imports '\.\.\/api\/errors\.js': services may not import api, which is above it/);
    expect(violation({ from: 'store/store.ts', specifier: '../security/token-hash.js', to: 'security/token-hash', typeOnly: true })).toBeNull();
    expect(violation({ from: 'store/rows.ts', specifier: '../security/secret-box.js', to: 'security/secret-box', typeOnly: true })).toMatch(/store may not import store users/);
    expect(violation({ from: 'sdk/client.ts', specifier: '../api/serializers.js', to: 'api/serializers', typeOnly: false })).toMatch(/sdk\/ stands apart/);
    expect(violation({ from: 'delivery/http-sender.ts', specifier: '../sdk/client.js', to: 'sdk/client', typeOnly: false })).toMatch(/may not depend on sdk\//);
  });
});
