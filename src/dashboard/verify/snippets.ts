/// <reference path="./raw-modules.d.ts" />
// docs/verify is the one source of the receiver snippets: vite bundles each file's text here
// (`?raw`), so the page shows exactly what the docs hold and test/e2e/verify-languages runs.
import pyStandard from '../../../docs/verify/python/standard_webhooks.py?raw';
import pyTimestamped from '../../../docs/verify/python/timestamped.py?raw';
import pyHmac from '../../../docs/verify/python/hmac_sha256.py?raw';
import pyStripe from '../../../docs/verify/python/stripe.py?raw';
import pyEntity from '../../../docs/verify/python/entity_path.py?raw';
import goStandard from '../../../docs/verify/go/standard_webhooks.go?raw';
import goTimestamped from '../../../docs/verify/go/timestamped.go?raw';
import goHmac from '../../../docs/verify/go/hmac_sha256.go?raw';
import goStripe from '../../../docs/verify/go/stripe.go?raw';
import goEntity from '../../../docs/verify/go/entity_path.go?raw';
import rbStandard from '../../../docs/verify/ruby/standard_webhooks.rb?raw';
import rbTimestamped from '../../../docs/verify/ruby/timestamped.rb?raw';
import rbHmac from '../../../docs/verify/ruby/hmac_sha256.rb?raw';
import rbStripe from '../../../docs/verify/ruby/stripe.rb?raw';
import rbEntity from '../../../docs/verify/ruby/entity_path.rb?raw';
import phpStandard from '../../../docs/verify/php/standard_webhooks.php?raw';
import phpTimestamped from '../../../docs/verify/php/timestamped.php?raw';
import phpHmac from '../../../docs/verify/php/hmac_sha256.php?raw';
import phpStripe from '../../../docs/verify/php/stripe.php?raw';
import phpEntity from '../../../docs/verify/php/entity_path.php?raw';
import javaStandard from '../../../docs/verify/java/StandardWebhooks.java?raw';
import javaTimestamped from '../../../docs/verify/java/Timestamped.java?raw';
import javaHmac from '../../../docs/verify/java/HmacSha256.java?raw';
import javaStripe from '../../../docs/verify/java/Stripe.java?raw';
import javaEntity from '../../../docs/verify/java/EntityPath.java?raw';

export const LANGUAGES = ['Python', 'Go', 'Ruby', 'PHP', 'Java'] as const;
export type Language = (typeof LANGUAGES)[number];
export type SignedScheme = 'standard-webhooks' | 'timestamped' | 'hmac-sha256' | 'stripe' | 'entity-path';

export interface Snippet {
  /** The file's path in the repository, so a reader can find it (and its tests). */
  file: string;
  text: string;
}

const SOURCES: Record<Language, { dir: string; files: Record<SignedScheme, [name: string, text: string]> }> = {
  Python: { dir: 'python', files: { 'standard-webhooks': ['standard_webhooks.py', pyStandard], timestamped: ['timestamped.py', pyTimestamped], 'hmac-sha256': ['hmac_sha256.py', pyHmac], stripe: ['stripe.py', pyStripe], 'entity-path': ['entity_path.py', pyEntity] } },
  Go: { dir: 'go', files: { 'standard-webhooks': ['standard_webhooks.go', goStandard], timestamped: ['timestamped.go', goTimestamped], 'hmac-sha256': ['hmac_sha256.go', goHmac], stripe: ['stripe.go', goStripe], 'entity-path': ['entity_path.go', goEntity] } },
  Ruby: { dir: 'ruby', files: { 'standard-webhooks': ['standard_webhooks.rb', rbStandard], timestamped: ['timestamped.rb', rbTimestamped], 'hmac-sha256': ['hmac_sha256.rb', rbHmac], stripe: ['stripe.rb', rbStripe], 'entity-path': ['entity_path.rb', rbEntity] } },
  PHP: { dir: 'php', files: { 'standard-webhooks': ['standard_webhooks.php', phpStandard], timestamped: ['timestamped.php', phpTimestamped], 'hmac-sha256': ['hmac_sha256.php', phpHmac], stripe: ['stripe.php', phpStripe], 'entity-path': ['entity_path.php', phpEntity] } },
  Java: { dir: 'java', files: { 'standard-webhooks': ['StandardWebhooks.java', javaStandard], timestamped: ['Timestamped.java', javaTimestamped], 'hmac-sha256': ['HmacSha256.java', javaHmac], stripe: ['Stripe.java', javaStripe], 'entity-path': ['EntityPath.java', javaEntity] } },
};

/** The snippet verifying `scheme` in `language`; null for `none` (unsigned) or an unknown scheme. */
export function snippetFor(scheme: string, language: Language): Snippet | null {
  const source = SOURCES[language];
  // `svix` is Standard Webhooks under other header names: the same code, given those headers' values.
  const entry = (source.files as Record<string, [string, string] | undefined>)[scheme === 'svix' ? 'standard-webhooks' : scheme];
  return entry ? { file: `docs/verify/${source.dir}/${entry[0]}`, text: entry[1] } : null;
}
