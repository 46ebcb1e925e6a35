import { readFileSync } from 'node:fs';

/** The package version, read once: it goes into every request's user-agent. */
export const HERALD_VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
