import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SCHEME_PRESETS } from '../../src/wire/scheme-presets.js';
import { LANGUAGES, snippetFor } from '../../src/dashboard/verify/snippets.js';

// The endpoint page's snippets are docs/verify's files (bundled with ?raw): every signed scheme has
// one per language, each is the file's exact text, and no file in docs/verify is left out.
const root = new URL('../../', import.meta.url);
const signed = Object.entries(SCHEME_PRESETS).filter(([, def]) => def.header !== null).map(([name]) => name);

describe('verification snippets shown in the dashboard', () => {
  it('covers every signed scheme in every language with the docs file’s exact text', () => {
    expect(signed.sort()).toEqual(['entity-path', 'hmac-sha256', 'standard-webhooks', 'stripe', 'svix', 'timestamped']);
    // svix is Standard Webhooks under other header names: the same code, given those headers' values.
    for (const language of LANGUAGES) expect(snippetFor('svix', language)).toEqual(snippetFor('standard-webhooks', language));
    for (const language of LANGUAGES) {
      for (const scheme of signed) {
        const snippet = snippetFor(scheme, language);
        expect(snippet, `${language} ${scheme}`).not.toBeNull();
        expect(snippet!.text).toBe(readFileSync(new URL(snippet!.file, root), 'utf8'));
      }
      expect(snippetFor('none', language)).toBeNull();
    }
  });

  it('leaves no file of docs/verify out', () => {
    const shown = new Set(LANGUAGES.flatMap((language) => signed.map((scheme) => snippetFor(scheme, language)!.file)));
    const files = ['python', 'go', 'ruby', 'php', 'java'].flatMap((dir) => readdirSync(new URL(`docs/verify/${dir}/`, root)).map((f) => `docs/verify/${dir}/${f}`));
    expect(files.filter((f) => !shown.has(f))).toEqual([]);
    expect(shown.size).toBe(25);
  });
});
