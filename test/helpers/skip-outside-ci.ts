/**
 * Whether to skip tests whose prerequisite is missing (`missing`: what is missing and how to get it;
 * null: nothing is). Locally a skip is allowed, with a warning. With CI=true it is not: a skip would
 * keep CI green with that part untested, so the file fails instead.
 */
export function skipOutsideCi(what: string, missing: string | null): boolean {
  if (missing === null) return false;
  if (process.env.CI === 'true') throw new Error(`${what} cannot run in CI: ${missing}`);
  console.warn(`\n⚠ ${what} SKIPPED: ${missing}\n`);
  return true;
}
