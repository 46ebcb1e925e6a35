// The mutants of `npm run test:mutants` (scripts/mutants.mjs). Each is an exact text replacement in
// one file of src/ (its search text must occur exactly once) and the test files that must catch it.
// When src/ changes so a search text no longer matches, the run fails: update the mutant, don't drop it.
export const MUTANTS = [
  {
    id: 'ssrf-guard-removed',
    promise: 'deliveries connect through the SSRF guard (strict policy refuses loopback at connect time)',
    file: 'src/delivery/agent-pool.ts',
    search: 'this.shared = new Agent({ ...AGENT_OPTIONS, connect: guardedConnector(policy, { timeout: DEFAULT_CONNECT_TIMEOUT_MS }) });',
    replace: 'this.shared = new Agent({ ...AGENT_OPTIONS, connect: { timeout: DEFAULT_CONNECT_TIMEOUT_MS } });',
    tests: ['test/e2e/ssrf-delivery.test.ts'],
  },
  {
    id: 'token-minting-not-admin-only',
    promise: 'only the admin token can mint app tokens',
    file: 'src/api/routes/tokens.ts',
    search: "api.post('/api/v1/apps/:appId/tokens', { config: adminOnly,",
    replace: "api.post('/api/v1/apps/:appId/tokens', { config: {},",
    tests: ['test/e2e/tenant-isolation.test.ts'],
  },
  {
    id: 'portal-link-not-admin-only',
    promise: 'only the admin token can issue portal links',
    file: 'src/api/routes/tokens.ts',
    search: "api.post('/api/v1/apps/:appId/portal-link', { config: adminOnly,",
    replace: "api.post('/api/v1/apps/:appId/portal-link', { config: {},",
    tests: ['test/e2e/tenant-isolation.test.ts'],
  },
  {
    id: 'token-expiry-ignored',
    promise: 'an expired app or portal token is refused (401)',
    file: 'src/api/auth.ts',
    search: 'token.expiresAt !== null && Date.parse(token.expiresAt) <= Date.now()',
    replace: 'false',
    tests: ['test/e2e/token-expiry.test.ts'],
  },
  {
    id: 'retry-after-503-ignored',
    promise: "a 503's Retry-After delays the next attempt",
    file: 'src/delivery/attempt-outcome.ts',
    search: 'status === 429 || status === 503 ?',
    replace: 'status === 429 ?',
    tests: ['test/unit/domain.test.ts', 'test/e2e/retry-after.test.ts'],
  },
  {
    id: 'operator-self-filter-removed',
    promise: "the operator app's own endpoints never produce operational events about themselves",
    file: 'src/services/operational-events.ts',
    search: 'const wanted = events.filter((e) => e.data.appId !== appId);',
    replace: 'const wanted = events;',
    tests: ['test/e2e/ops-failing-endpoints.test.ts'],
  },
  {
    id: 'sqlite-no-wal',
    promise: 'SQLite runs in WAL mode (atomic, crash-consistent commits that readers do not block)',
    file: 'src/store/sqlite/sqlite-store.ts',
    search: "this.db.pragma('journal_mode = WAL');",
    replace: "this.db.pragma('journal_mode = MEMORY');",
    tests: ['test/store/sqlite-durability.test.ts'],
  },
  // Not a mutant here: `synchronous = FULL` → `OFF` in SqliteStore's constructor. Preparing a PRAGMA
  // statement already applies it in SQLite, so preparing the claim's syncNormal/syncFull statements
  // (in that order) leaves the connection at FULL anyway: that mutant is equivalent. Swapping the
  // order is not, and is what a tidy-up could do.
  {
    id: 'sqlite-left-at-normal-after-open',
    promise: 'the connection is at synchronous=FULL for the first publish after start-up',
    file: 'src/store/sqlite/dispatch-queries.ts',
    search: "syncNormal: db.prepare('PRAGMA synchronous = NORMAL'),\n      syncFull: db.prepare('PRAGMA synchronous = FULL'),",
    replace: "syncFull: db.prepare('PRAGMA synchronous = FULL'),\n      syncNormal: db.prepare('PRAGMA synchronous = NORMAL'),",
    tests: ['test/store/sqlite-durability.test.ts'],
  },
  {
    id: 'sqlite-synchronous-not-restored',
    promise: 'after a relaxed (NORMAL) claim or settle, the connection goes back to FULL for publishes',
    file: 'src/store/sqlite/dispatch-queries.ts',
    search: "syncFull: db.prepare('PRAGMA synchronous = FULL'),",
    replace: "syncFull: db.prepare('PRAGMA synchronous = NORMAL'),",
    tests: ['test/store/sqlite-durability.test.ts'],
  },
  {
    id: 'publish-acked-before-commit',
    promise: 'a publish is answered 202 only after its transaction committed',
    file: 'src/services/publish-queue.ts',
    search: 'this.waiting.push({ input, resolve, reject });',
    replace: 'this.waiting.push({ input, resolve: () => undefined, reject: () => undefined }); resolve({ message: input.message, created: true, deliveryCount: 0 });',
    tests: ['test/e2e/publish-commit.test.ts'],
  },
];
