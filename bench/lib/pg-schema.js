import pg from 'pg';

/** Drops the schema a `?schema=` database URL names: a benchmark's rows would otherwise stay behind. */
export async function dropSchema(database) {
  const url = new URL(database);
  const schema = url.searchParams.get('schema');
  url.searchParams.delete('schema');
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}
