import pg from 'pg';

/**
 * Runs `work(client, schema)` on a fresh connection to the server a `?schema=` database URL names
 * (the parameter is Herald's, not libpq's, so it is taken off), with `search_path` set to that
 * schema when `inSchema`; the connection is closed afterwards.
 */
export async function withSchemaClient(database, work, inSchema = true) {
  const url = new URL(database);
  const schema = url.searchParams.get('schema');
  url.searchParams.delete('schema');
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    if (inSchema) await client.query(`SET search_path TO ${schema}`);
    return await work(client, schema);
  } finally {
    await client.end();
  }
}

/** Drops the schema a `?schema=` database URL names: a benchmark's rows would otherwise stay behind. */
export async function dropSchema(database) {
  await withSchemaClient(database, (client, schema) => client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`), false);
}
