/**
 * Success/failed as text plus colour, so the state never depends on colour alone. A failure with
 * no HTTP answer reads "no response"; the attempt's `reason` beside it says why.
 */
export function StatusBadge({ status, code }: { status: 'success' | 'failed' | 'pending' | string; code?: number | null }) {
  const text = code ? `${code}` : status === 'failed' ? 'no response' : status;
  return (
    <span class={`badge badge-${status}`}>
      <span class="visually-hidden">{status}: </span>
      {text}
    </span>
  );
}
