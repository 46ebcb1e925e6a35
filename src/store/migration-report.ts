/** What bringing a schema up to date did, for `herald migrate` to report. */
export interface MigrationReport {
  /** The migrations this call applied, in order; empty when the schema was already up to date. */
  applied: Array<{ version: number; name: string }>;
  /** The highest migration version the database now has. */
  version: number;
}

/** The report, from the versions the database had before and the list of known migrations. */
export function migrationReport(
  before: ReadonlySet<number>,
  known: ReadonlyArray<{ version: number; name: string }>,
): MigrationReport {
  const applied = known.filter((m) => !before.has(m.version)).map(({ version, name }) => ({ version, name }));
  const version = Math.max(0, ...before, ...known.map((m) => m.version));
  return { applied, version };
}
