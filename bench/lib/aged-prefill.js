// Fills a Herald database with `attempts` old attempts straight through SQL (not HTTP), copying one
// real message, delivery and attempt that Herald itself stored, so every row has the store's exact
// shape: one message per 10 attempts (a fan-out to 10 endpoints), one delivered delivery per attempt.
// Ids carry a creation time 40 days back (ids are `<prefix>_<ULID>`), past the default 30-day
// retention, so the retention purger has all of them to work through while the bench measures.
import Database from 'better-sqlite3';
import { withSchemaClient } from './pg-schema.js';
import { encodeTime } from 'ulid';

const CHUNK = 250_000;
const AGE_MS = 40 * 86_400_000;

/** Per table: which columns get generated values (SQL over the row number `i`), the rest is copied. */
function generated(table, t, pad) {
  const id = (prefix, n) => `'${prefix}_${t}' || ${pad(n)}`;
  if (table === 'messages') return { id: id('msg', 'i') };
  if (table === 'deliveries') return { id: id('dlv', 'i'), msg_id: id('msg', 'i / 10') };
  return { id: id('atm', 'i'), delivery_id: id('dlv', 'i'), msg_id: id('msg', 'i / 10') };
}

function plan(columns, table, t, pad, createdAt) {
  const gen = { ...generated(table, t, pad), created_at: `'${createdAt}'` };
  if (columns.includes('updated_at')) gen.updated_at = `'${createdAt}'`;
  return { list: columns.join(', '), values: columns.map((c) => gen[c] ?? `tpl.${c}`).join(', ') };
}

const TABLES = [
  ['messages', (n) => Math.ceil(n / 10)],
  ['deliveries', (n) => n],
  ['attempts', (n) => n],
];

export async function prefillSqlite(path, attempts, log) {
  const db = new Database(path);
  db.pragma('synchronous = OFF'); // a one-off fill: nothing to lose if it is cut short
  const t = encodeTime(Date.now() - AGE_MS, 10);
  const createdAt = new Date(Date.now() - AGE_MS).toISOString();
  for (const [table, rowsFor] of TABLES) {
    const columns = db.prepare(`PRAGMA table_info(${table})`).all().map((c) => c.name);
    const { list, values } = plan(columns, table, t, (n) => `printf('%016d', ${n})`, createdAt);
    const template = db.prepare(`SELECT id FROM ${table} ORDER BY id DESC LIMIT 1`).pluck().get();
    const insert = db.prepare(
      `WITH RECURSIVE seq(i) AS (SELECT @lo UNION ALL SELECT i + 1 FROM seq WHERE i + 1 < @hi)
       INSERT INTO ${table} (${list}) SELECT ${values} FROM seq, (SELECT * FROM ${table} WHERE id = @template) tpl`,
    );
    const total = rowsFor(attempts);
    for (let lo = 0; lo < total; lo += CHUNK) {
      insert.run({ lo, hi: Math.min(total, lo + CHUNK), template });
      log(`aged: ${table} ${Math.min(total, lo + CHUNK)}/${total}`);
    }
  }
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

export async function prefillPostgres(database, attempts, log) {
  await withSchemaClient(database, async (client, schema) => {
    const t = encodeTime(Date.now() - AGE_MS, 10);
    const createdAt = new Date(Date.now() - AGE_MS).toISOString();
    for (const [table, rowsFor] of TABLES) {
      const { rows } = await client.query(
        'SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position',
        [schema, table],
      );
      const { list, values } = plan(rows.map((r) => r.column_name), table, t, (n) => `lpad((${n})::text, 16, '0')`, createdAt);
      const template = (await client.query(`SELECT id FROM ${table} ORDER BY id DESC LIMIT 1`)).rows[0].id;
      const total = rowsFor(attempts);
      for (let lo = 0; lo < total; lo += CHUNK) {
        await client.query(
          `INSERT INTO ${table} (${list}) SELECT ${values} FROM generate_series($1::bigint, $2::bigint) i,
             (SELECT * FROM ${table} WHERE id = $3) tpl`,
          [lo, Math.min(total, lo + CHUNK) - 1, template],
        );
        log(`aged: ${table} ${Math.min(total, lo + CHUNK)}/${total}`);
      }
    }
    await client.query('ANALYZE');
  });
}

/** Rows the purger has cleared so far (evidence that purging ran meanwhile): messages first, then attempts. */
export async function purgedRows(location) {
  const sql = (table) => `SELECT count(*) AS n FROM ${table} WHERE purged_at IS NOT NULL`;
  if (!location.startsWith('postgres')) {
    const db = new Database(location, { readonly: true });
    try {
      return { messages: db.prepare(sql('messages')).pluck().get(), attempts: db.prepare(sql('attempts')).pluck().get() };
    } finally {
      db.close();
    }
  }
  return withSchemaClient(location, async (client) => {
    const count = async (table) => Number((await client.query(sql(table))).rows[0].n);
    return { messages: await count('messages'), attempts: await count('attempts') };
  });
}
