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

  it("starts Herald in the walk-through so that its last step's kill stops it", () => {
    const walkThrough = readme.slice(readme.indexOf('## Walk-through'), readme.indexOf('## Configuration'));
    // `npm start … &` makes job %1 npm: killing it leaves `node … serve` running, holding the port.
    expect(walkThrough).not.toMatch(/npm (start|run)[^\n]*&\s*$/m);
    expect(walkThrough).toMatch(/^[^#\n]*node bin\/herald\.js serve[^\n]*&\s*$/m);
    expect(walkThrough).toMatch(/^kill %1 %2/m);
  });

  it('shows the two commands a new user runs', () => {
    expect(readme).toContain('npm install && npm start');
    expect(readme).toContain('npm install && npm test');
  });
});
