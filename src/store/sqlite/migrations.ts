import type Database from 'better-sqlite3';
import { migrationReport, type MigrationReport } from '../migration-report.js';

// Numbered and append-only: a released migration is never edited, a change is a new entry.
export const SQLITE_MIGRATIONS: ReadonlyArray<{ version: number; name: string; sql: string }> = [
  {
    version: 1,
    name: 'core',
    sql: `
      CREATE TABLE apps (
        id TEXT PRIMARY KEY,
        uid TEXT UNIQUE,
        name TEXT NOT NULL,
        retry_schedule TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE TABLE event_types (
        name TEXT PRIMARY KEY,
        description TEXT,
        created_at TEXT NOT NULL
      );
      CREATE TABLE endpoints (
        id TEXT PRIMARY KEY,
        app_id TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
        url TEXT NOT NULL,
        name TEXT,
        description TEXT,
        event_types TEXT,
        entity_types TEXT,
        method TEXT NOT NULL,
        payload_format TEXT NOT NULL,
        signature TEXT NOT NULL,
        secrets TEXT NOT NULL,
        headers TEXT NOT NULL,
        query TEXT NOT NULL,
        timeout_ms INTEGER NOT NULL,
        tls TEXT,
        retry_schedule TEXT,
        rate_limit REAL,
        disabled INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE INDEX endpoints_by_app ON endpoints(app_id, id);
      CREATE TABLE messages (
        id TEXT PRIMARY KEY,
        app_id TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
        event_type TEXT NOT NULL,
        data TEXT NOT NULL,
        entity_type TEXT,
        entity_id TEXT,
        idempotency_key TEXT,
        created_at TEXT NOT NULL
      );
      CREATE INDEX messages_by_app ON messages(app_id, id);
      CREATE UNIQUE INDEX messages_by_idempotency_key ON messages(app_id, idempotency_key)
        WHERE idempotency_key IS NOT NULL;
      CREATE TABLE deliveries (
        id TEXT PRIMARY KEY,
        msg_id TEXT NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
        endpoint_id TEXT NOT NULL REFERENCES endpoints(id) ON DELETE CASCADE,
        app_id TEXT NOT NULL,
        status TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        lease_token TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      -- Partial: the dispatcher's claim only ever looks at pending rows, and settled rows
      -- (the vast majority over time) then cost nothing in this index.
      CREATE INDEX deliveries_due ON deliveries(next_attempt_at) WHERE status = 'pending';
      CREATE INDEX deliveries_by_message ON deliveries(msg_id);
      CREATE INDEX deliveries_by_endpoint ON deliveries(endpoint_id, status);
      CREATE TABLE attempts (
        id TEXT PRIMARY KEY,
        delivery_id TEXT NOT NULL,
        msg_id TEXT NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
        endpoint_id TEXT NOT NULL REFERENCES endpoints(id) ON DELETE CASCADE,
        app_id TEXT NOT NULL,
        attempt INTEGER NOT NULL,
        status TEXT NOT NULL,
        response_status INTEGER,
        duration_ms INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        request TEXT NOT NULL,
        response TEXT,
        error TEXT
      );
      CREATE INDEX attempts_by_message ON attempts(msg_id, id);
      CREATE INDEX attempts_by_endpoint ON attempts(endpoint_id, id);
    `,
  },
  {
    version: 2,
    name: 'endpoint_uid',
    // The key a config file declares for an endpoint (see config-file.ts); partial so the many
    // API-created endpoints without one cost nothing in the index.
    sql: `
      ALTER TABLE endpoints ADD COLUMN uid TEXT;
      CREATE UNIQUE INDEX endpoints_by_uid ON endpoints(app_id, uid) WHERE uid IS NOT NULL;
    `,
  },
  {
    version: 3,
    name: 'api_tokens',
    // Only a SHA-256 of each token is kept: a leaked database does not leak working tokens.
    sql: `
      CREATE TABLE api_tokens (
        id TEXT PRIMARY KEY,
        app_id TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
        name TEXT,
        kind TEXT NOT NULL,
        token_hash TEXT NOT NULL UNIQUE,
        expires_at TEXT,
        created_at TEXT NOT NULL
      );
      CREATE INDEX api_tokens_by_app ON api_tokens(app_id, id);
    `,
  },
  {
    version: 4,
    name: 'endpoint_gates',
    // One token bucket per rate-limited endpoint (see rate-bucket.ts), written by the claim.
    sql: `
      CREATE TABLE endpoint_gates (
        endpoint_id TEXT PRIMARY KEY REFERENCES endpoints(id) ON DELETE CASCADE,
        tokens REAL NOT NULL,
        refilled_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 5,
    name: 'operations',
    // Request ids on messages and attempts; per-entity ordering; retention (purged_at, with partial
    // indexes so a purge pass scans only rows not purged yet instead of the whole history);
    // failure streaks of endpoints; background tasks (bulk recovery).
    sql: `
      ALTER TABLE messages ADD COLUMN request_id TEXT;
      ALTER TABLE messages ADD COLUMN ordering_key TEXT;
      ALTER TABLE messages ADD COLUMN purged_at TEXT;
      ALTER TABLE attempts ADD COLUMN request_id TEXT;
      ALTER TABLE attempts ADD COLUMN purged_at TEXT;
      ALTER TABLE endpoints ADD COLUMN ordering TEXT NOT NULL DEFAULT 'unordered';
      ALTER TABLE deliveries ADD COLUMN ordering_key TEXT;
      CREATE INDEX deliveries_ordered ON deliveries(endpoint_id, ordering_key, id)
        WHERE status = 'pending' AND ordering_key IS NOT NULL;
      CREATE INDEX messages_unpurged ON messages(id) WHERE purged_at IS NULL;
      CREATE INDEX attempts_unpurged ON attempts(id) WHERE purged_at IS NULL;
      CREATE TABLE endpoint_failures (
        endpoint_id TEXT PRIMARY KEY REFERENCES endpoints(id) ON DELETE CASCADE,
        failing_since INTEGER NOT NULL
      );
      CREATE TABLE tasks (
        id TEXT PRIMARY KEY,
        app_id TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        status TEXT NOT NULL,
        params TEXT NOT NULL,
        total INTEGER NOT NULL DEFAULT 0,
        done INTEGER NOT NULL DEFAULT 0,
        error TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
    `,
  },
  {
    version: 6,
    name: 'deliveries_due_per_endpoint',
    // The claim visits endpoints with due work one by one (dispatch-queries.ts): this index finds
    // those endpoints and each one's earliest due deliveries without walking other endpoints' rows.
    sql: `
      CREATE INDEX deliveries_endpoint_due ON deliveries(endpoint_id, next_attempt_at) WHERE status = 'pending';
    `,
  },
  {
    version: 7,
    name: 'key_fingerprint_and_processes',
    // The encryption key's fingerprint (never the key), so a process given another key refuses to
    // start; and the running processes' heartbeats, so a key rotation refuses while one runs.
    sql: `
      CREATE TABLE herald_settings (
        name TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE TABLE herald_processes (
        id TEXT PRIMARY KEY,
        role TEXT NOT NULL,
        host TEXT NOT NULL,
        pid INTEGER NOT NULL,
        started_at TEXT NOT NULL,
        seen_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 8,
    name: 'messages_by_entity',
    // The messages about one entity, newest first (catalogue/reads.ts): an index range per id
    // spelling instead of walking the app's messages. Messages without an entity stay out of it.
    sql: `
      CREATE INDEX messages_by_entity ON messages(app_id, entity_type, entity_id, id) WHERE entity_type IS NOT NULL;
    `,
  },
  {
    version: 9,
    name: 'event_catalogue',
    // The event catalogue (docs/event-catalogue.md): a group to list types under, the JSON Schema of
    // their data with examples, a deprecated flag, whether publishes are checked against the schema,
    // and a revision every write bumps (processes cache compiled schemas per revision).
    sql: `
      ALTER TABLE event_types ADD COLUMN group_name TEXT;
      ALTER TABLE event_types ADD COLUMN data_schema TEXT;
      ALTER TABLE event_types ADD COLUMN examples TEXT;
      ALTER TABLE event_types ADD COLUMN deprecated INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE event_types ADD COLUMN validation TEXT NOT NULL DEFAULT 'off';
      ALTER TABLE event_types ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;
      ALTER TABLE event_types ADD COLUMN updated_at TEXT;
      UPDATE event_types SET updated_at = created_at;
      CREATE INDEX event_types_by_group ON event_types(group_name, name);
    `,
  },
  {
    version: 10,
    name: 'portal_link_scopes',
    // A portal link's capabilities and event types (JSON arrays; NULL: no limit, as for app tokens
    // and links issued before), checked on every call (api/auth.ts).
    sql: `
      ALTER TABLE api_tokens ADD COLUMN capabilities TEXT;
      ALTER TABLE api_tokens ADD COLUMN event_types TEXT;
    `,
  },
  {
    version: 11,
    name: 'frame_origins',
    // The origins allowed to frame a portal (CSP frame-ancestors, api/routes/portal-embed.ts): an
    // app's defaults, and a portal link's own list (JSON arrays; NULL on a link: the app's defaults).
    sql: `
      ALTER TABLE apps ADD COLUMN allowed_origins TEXT;
      ALTER TABLE api_tokens ADD COLUMN allowed_origins TEXT;
    `,
  },
  {
    version: 12,
    name: 'app_branding',
    // Per-app branding for the portal (docs/branding.md): name, accent and theme in one row; the
    // logo's bytes in a table of their own, so reading the branding never loads the image. In the
    // database rather than on disk, so every process sharing the store serves the same logo.
    sql: `
      CREATE TABLE app_branding (
        app_id TEXT PRIMARY KEY REFERENCES apps(id) ON DELETE CASCADE,
        product_name TEXT,
        accent TEXT,
        theme TEXT,
        updated_at TEXT NOT NULL
      );
      CREATE TABLE app_logos (
        app_id TEXT PRIMARY KEY REFERENCES apps(id) ON DELETE CASCADE,
        content_type TEXT NOT NULL,
        size INTEGER NOT NULL,
        bytes BLOB NOT NULL,
        etag TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
    `,
  },
  {
    version: 13,
    name: 'publisher_event_ids_and_https_apps',
    // A message's publisher-chosen event id and time (what envelope formats carry in the body), and
    // the claim that keeps an event id unique per app: event_key, a copy of event_id cleared once its
    // idempotency window is over (as idempotency_key is), so the id may name a new message after it.
    // A unique index rather than a look-up, so two concurrent publishes cannot both win. And apps
    // whose endpoints must use https:// URLs.
    sql: `
      ALTER TABLE messages ADD COLUMN event_id TEXT;
      ALTER TABLE messages ADD COLUMN event_time TEXT;
      ALTER TABLE messages ADD COLUMN event_key TEXT;
      CREATE UNIQUE INDEX messages_by_event_key ON messages(app_id, event_key)
        WHERE event_key IS NOT NULL;
      ALTER TABLE apps ADD COLUMN require_https INTEGER NOT NULL DEFAULT 0;
    `,
  },
  {
    version: 14,
    name: 'endpoint_payload_filters',
    // An endpoint's payload filter (a CEL expression, docs/filters.md; NULL for none) and how often
    // it failed on a message: counted against the filter text they happened under
    // (filter_errors_for), so a new filter starts at zero without the update touching the counts.
    sql: `
      ALTER TABLE endpoints ADD COLUMN filter TEXT;
      ALTER TABLE endpoints ADD COLUMN filter_errors INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE endpoints ADD COLUMN filter_errors_for TEXT;
      ALTER TABLE endpoints ADD COLUMN filter_last_error TEXT;
      ALTER TABLE endpoints ADD COLUMN filter_last_error_at TEXT;
    `,
  },
  {
    version: 15,
    name: 'endpoint_transformations',
    // An endpoint's transformation: JavaScript run in a sandbox before each attempt is signed
    // (docs/transformations.md). Plain text: code, not a secret; NULL for none.
    sql: `ALTER TABLE endpoints ADD COLUMN transformation TEXT;`,
  },
  {
    version: 16,
    name: 'operators_and_audit',
    // Named operator tokens with a role over every app (docs/operators.md), kept as SHA-256 only,
    // and the audit log: one row per state-changing API call, ids and names only (no bodies, no
    // secrets). Audit rows are deleted by retention, oldest first by id (ids start with their time).
    sql: `
      CREATE TABLE operator_tokens (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        role TEXT NOT NULL,
        token_hash TEXT NOT NULL UNIQUE,
        expires_at TEXT,
        created_at TEXT NOT NULL
      );
      CREATE TABLE audit_log (
        id TEXT PRIMARY KEY,
        at TEXT NOT NULL,
        token_kind TEXT NOT NULL,
        token_id TEXT,
        token_name TEXT,
        role TEXT,
        request_id TEXT NOT NULL,
        method TEXT NOT NULL,
        route TEXT NOT NULL,
        action TEXT NOT NULL,
        app_id TEXT,
        targets TEXT NOT NULL,
        status INTEGER NOT NULL,
        outcome TEXT NOT NULL
      );
      CREATE INDEX audit_log_by_app ON audit_log(app_id, id);
      CREATE INDEX audit_log_by_token ON audit_log(token_name, id);
    `,
  },
  {
    version: 17,
    name: 'trace_context',
    // The W3C trace context a publish carried (docs/tracing.md): each delivery attempt forwards a
    // child of it. Per endpoint the forwarding can be switched off; on by default.
    sql: `
      ALTER TABLE messages ADD COLUMN traceparent TEXT;
      ALTER TABLE messages ADD COLUMN tracestate TEXT;
      ALTER TABLE endpoints ADD COLUMN forward_trace_context INTEGER NOT NULL DEFAULT 1;
    `,
  },
  {
    version: 18,
    name: 'channels',
    // Svix-style channels (domain/channels.ts) as JSON lists; NULL: none (an endpoint then gets every message).
    sql: `
      ALTER TABLE endpoints ADD COLUMN channels TEXT;
      ALTER TABLE messages ADD COLUMN channels TEXT;
    `,
  },
  {
    version: 19,
    name: 'metadata',
    // Svix's free-form string pairs on apps and endpoints (src/api/svix), as JSON; NULL: none.
    sql: `
      ALTER TABLE apps ADD COLUMN metadata TEXT;
      ALTER TABLE endpoints ADD COLUMN metadata TEXT;
    `,
  },
  {
    version: 20,
    name: 'payload_retention',
    // A message's own payload retention (Svix's payloadRetentionPeriod/Hours, Herald's retentionHours):
    // when set, the purger clears its payload at that time instead of after the server-wide --retention.
    // messages_unpurged now holds only messages under the server-wide retention, so a pass over it does
    // not walk again and again past messages kept longer by their own; those wait in their expiry order.
    sql: `
      ALTER TABLE messages ADD COLUMN payload_expires_at TEXT;
      DROP INDEX messages_unpurged;
      CREATE INDEX messages_unpurged ON messages(id) WHERE purged_at IS NULL AND payload_expires_at IS NULL;
      CREATE INDEX messages_payload_expiry ON messages(payload_expires_at, id)
        WHERE purged_at IS NULL AND payload_expires_at IS NOT NULL;
    `,
  },
  {
    version: 21,
    name: 'idempotency_keys',
    // Svix's idempotency-key on POSTs (src/api/svix/svix-idempotency.ts), shared by every process on the
    // store: one row per (caller's scope, key); status NULL while the first request is still running.
    sql: `
      CREATE TABLE idempotency_keys (
        scope TEXT NOT NULL,
        key TEXT NOT NULL,
        request_hash TEXT NOT NULL,
        status INTEGER,
        body TEXT,
        content_type TEXT,
        created_at TEXT NOT NULL,
        PRIMARY KEY (scope, key)
      );
      CREATE INDEX idempotency_keys_by_age ON idempotency_keys(created_at);
    `,
  },
  {
    version: 22,
    name: 'manual_deliveries',
    // 1 on a delivery made by hand (a resend or a recovery), 0 on one made by the publish's fan-out:
    // Svix's triggerType of its attempts (manual 1, scheduled 0). Rows from before read as scheduled.
    sql: `ALTER TABLE deliveries ADD COLUMN manual INTEGER NOT NULL DEFAULT 0;`,
  },
  {
    version: 23,
    name: 'attempt_bodies_from_messages',
    // An attempt whose request body was its message rendered in the endpoint's format stores that
    // format here and no body (store/attempt-request-bodies.ts rebuilds it on read); NULL: the row
    // holds the request as sent, body included (a transformed request, and every row written before).
    sql: `ALTER TABLE attempts ADD COLUMN request_body_from TEXT;`,
  },
  {
    version: 25,
    name: 'message_tags_deliver_at',
    // Svix's message tags (a JSON list, matched as a quoted element as channels are) and deliverAt
    // (ISO): the deliveries of such a message are created due at that time. Read by the API only.
    sql: `
      ALTER TABLE messages ADD COLUMN tags TEXT;
      ALTER TABLE messages ADD COLUMN deliver_at TEXT;
    `,
  },
  {
    version: 26,
    name: 'claim_answers_next_due',
    // PostgreSQL's claim function answers the next due time too (claim-function-v26.ts); SQLite claims
    // in process and has nothing to change. Kept so both stores list the same versions.
    sql: `SELECT 1;`,
  },
  {
    version: 28,
    name: 'event_type_archived',
    // Svix's archived event types (DELETE without expunge): kept, and left out of lists unless asked.
    sql: `ALTER TABLE event_types ADD COLUMN archived INTEGER NOT NULL DEFAULT 0;`,
  },
  {
    version: 29,
    name: 'publish_hand_off_function',
    // PostgreSQL's publish hands off in one round trip (publish-function-v29.ts); SQLite publishes in
    // process and has nothing to change. Kept so both stores list the same versions.
    sql: `SELECT 1;`,
  },
];

export function runSqliteMigrations(db: Database.Database): MigrationReport {
  db.exec(`CREATE TABLE IF NOT EXISTS herald_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
  const applied = new Set(
    db.prepare('SELECT version FROM herald_migrations').pluck().all() as number[],
  );
  // BEGIN IMMEDIATE takes the write lock first, so two processes opening a fresh file
  // cannot both apply the same migration.
  const apply = db.transaction((m: (typeof SQLITE_MIGRATIONS)[number]) => {
    db.exec(m.sql);
    db.prepare('INSERT INTO herald_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
      m.version,
      m.name,
      new Date().toISOString(),
    );
  });
  for (const m of SQLITE_MIGRATIONS) {
    if (!applied.has(m.version)) apply.immediate(m);
  }
  return migrationReport(applied, SQLITE_MIGRATIONS);
}
