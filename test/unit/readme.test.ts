import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OPTION_SPECS } from '../../src/config/options.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('documents every server option with its flag and environment variable', () => {
    const missing = OPTION_SPECS.filter((spec) => !spec.hidden)
      .filter((spec) => !readme.includes(spec.env) || !readme.includes(spec.flag.split(' ')[0]!))
      .map((spec) => `${spec.flag} / ${spec.env}`);
    expect(missing).toEqual([]);
  });

  it('shows the two commands a new user runs', () => {
    expect(readme).toContain('npm install && npm start');
    expect(readme).toContain('npm install && npm test');
  });
});
