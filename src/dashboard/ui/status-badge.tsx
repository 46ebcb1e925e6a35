/** Success/failed as text plus colour, so the state never depends on colour alone. */
export function StatusBadge({ status, code }: { status: 'success' | 'failed' | 'pending' | string; code?: number | null }) {
  const text = code ? `${code}` : status === 'failed' ? 'error' : status;
  return (
    <span class={`badge badge-${status}`}>
      <span class="visually-hidden">{status}: </span>
      {text}
    </span>
  );
}
