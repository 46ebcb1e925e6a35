import type { Endpoint } from '../api/types';

/**
 * Skipped certificate verification, said on the endpoint itself and not only in the server's log:
 * the e-signing service's `webHook` section skips it by default (its `useSslTrustAll`), so an
 * endpoint can be in this state without anyone having ticked a box.
 */
export function TlsWarning({ endpoint }: { endpoint: Endpoint }) {
  if (!endpoint.tls?.insecureSkipVerify) return null;
  const fix = endpoint.uid === 'webHook'
    ? 'It comes from the configuration file\'s webHook section, where useSslTrustAll defaults to true: set "useSslTrustAll": false there (with an sslTrustFile for a private CA) to verify.'
    : endpoint.uid
      ? 'It is declared in the configuration file: remove tls.insecureSkipVerify there to verify.'
      : 'Edit the endpoint and untick "Skip certificate verification" (Advanced, TLS) to verify.';
  return (
    <p class="note note-error" role="note" data-tls-warning>
      <strong>TLS certificates are not verified</strong> for this endpoint: anyone on the network path could pose as the
      receiver and read its webhooks. {fix}
    </p>
  );
}

/** The same, as a badge for lists of endpoints. */
export function TlsWarningBadge({ endpoint }: { endpoint: Endpoint }) {
  if (!endpoint.tls?.insecureSkipVerify) return null;
  return <span class="badge badge-failed" title="TLS certificates are not verified for this endpoint">TLS not verified</span>;
}
