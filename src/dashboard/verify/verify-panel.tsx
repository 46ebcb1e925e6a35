import { useState } from 'preact/hooks';
import type { Endpoint } from '../api/types';
import { schemeInfo } from '../endpoint-form/schemes';
import { CopyButton } from '../ui/copy-button';
import { LANGUAGES, snippetFor, type Language } from './snippets';
import './verify-panel.css';

const STORAGE_KEY = 'herald.verify-language';

function storedLanguage(): Language {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    return LANGUAGES.find((l) => l === saved) ?? 'Python';
  } catch {
    return 'Python'; // storage blocked (a sandboxed frame): the default will do
  }
}

/** What to pass besides the request, in words: which header to read, and the prefix if any. */
function usage(signature: Endpoint['signature']): string {
  const header = signature.header ?? schemeInfo(signature.scheme).header;
  switch (signature.scheme) {
    case 'standard-webhooks':
      return 'Pass the webhook-id, webhook-timestamp and webhook-signature headers and the raw body.';
    case 'svix':
      return "Pass the svix-id, svix-timestamp and svix-signature headers and the raw body (Svix's own Webhook class verifies them too).";
    case 'hmac-sha256':
      return `Pass the ${header} header, the raw body and the prefix ${signature.prefix ? `"${signature.prefix}"` : '"" (none)'}.`;
    case 'entity-path':
      return `Pass the ${header} header, the raw request path and, for a POST, the raw body.`;
    default:
      return `Pass the ${header} header and the raw body.`;
  }
}

/**
 * How a receiver checks this endpoint's signatures: the snippet for its scheme in the reader's
 * language (remembered in this browser), with a copy button. Admin dashboard and portal alike.
 */
export function VerifyPanel({ signature }: { signature: Endpoint['signature'] }) {
  const [language, setLanguage] = useState<Language>(storedLanguage);
  const snippet = snippetFor(signature.scheme, language);
  const choose = (next: Language) => {
    setLanguage(next);
    try {
      localStorage.setItem(STORAGE_KEY, next);
    } catch {
      /* not remembered; still shown */
    }
  };

  return (
    <section class="card" aria-labelledby="verify-title">
      <h2 id="verify-title">Verify signatures in your receiver</h2>
      {snippet === null ? (
        <p>Requests to this endpoint are not signed, so there is nothing to verify. Choose a signature scheme to have them signed.</p>
      ) : (
        <>
          <p>
            Code for the <span class="mono">{signature.scheme}</span> scheme, standard library only, that returns true only for a genuine request. {usage(signature)}
          </p>
          <div class="row align-center verify-controls">
            <label for="verify-language">Language</label>
            <select id="verify-language" value={language} onChange={(e) => choose(e.currentTarget.value as Language)}>
              {LANGUAGES.map((l) => (
                <option key={l} value={l}>
                  {l}
                </option>
              ))}
            </select>
            <CopyButton text={snippet.text} label="Copy code" />
          </div>
          <pre class="body verify-snippet" id="verify-snippet" aria-label={`${language} code verifying ${signature.scheme} signatures`}>
            <code>{snippet.text}</code>
          </pre>
          <p class="muted small">
            From <span class="mono">{snippet.file}</span> in Herald's repository, where it is tested against real deliveries.
          </p>
        </>
      )}
    </section>
  );
}
