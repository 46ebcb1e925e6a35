import { useState } from 'preact/hooks';
import { seg } from '../api/client';
import type { RotatedSecretOut } from '../api/types';
import { useAction, useApi } from '../hooks';
import { formatTime } from '../ui/format';
import { ErrorNote, StatusNote } from '../ui/notes';
import { useCan } from '../api/portal-scope';

/** The signing secret: hidden until asked for, and rotated with a grace period for the old one. */
export function SecretPanel({ appId, endpointId }: { appId: string; endpointId: string }) {
  const api = useApi();
  const path = `/apps/${seg(appId)}/endpoints/${seg(endpointId)}/secret`;
  const [secret, setSecret] = useState<string | null>(null);
  const [rotated, setRotated] = useState<RotatedSecretOut | null>(null);
  const reveal = useAction(async () => setSecret((await api.get<{ secret: string }>(path)).secret));
  const rotate = useAction(async () => {
    const result = await api.post<RotatedSecretOut>(`${path}/rotate`, {});
    setRotated(result);
    setSecret(result.secret);
  });
  const error = reveal.error ?? rotate.error;
  const canReveal = useCan('secrets:read');
  const canRotate = useCan('secrets:rotate');

  return (
    <section class="card" aria-labelledby="secret-title">
      <h2 id="secret-title">Signing secret</h2>
      <div class="row align-center">
        <code class="secret grow" id="secret-value" aria-live="polite">
          {secret ?? '••••••••••••••••••••••••'}
        </code>
        {secret ? (
          <button type="button" onClick={() => setSecret(null)}>
            Hide
          </button>
        ) : (
          canReveal && <button type="button" onClick={() => void reveal.run()} disabled={reveal.busy}>
            Reveal
          </button>
        )}
        {canRotate && <button
          type="button"
          onClick={() => {
            if (confirm('Rotate the secret? Receivers must switch to the new one; the old one keeps signing for a grace period.')) void rotate.run();
          }}
          disabled={rotate.busy}
        >
          Rotate
        </button>}
      </div>
      <ErrorNote error={error}>{rotate.error ? 'Could not rotate: ' : 'Could not reveal: '}</ErrorNote>
      {rotated && (
        <StatusNote>
          Secret rotated.{' '}
          {rotated.oldSecretsExpireAt
            ? `The old secret also signs requests until ${formatTime(rotated.oldSecretsExpireAt)}, so receivers can switch over.`
            : 'The old secret no longer signs requests.'}
        </StatusNote>
      )}
    </section>
  );
}
