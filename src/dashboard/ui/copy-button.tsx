import { useState } from 'preact/hooks';

/**
 * Copies `text` to the clipboard and says so. Where the browser refuses (no permission, an
 * insecure page), it says to copy by hand instead of failing silently.
 */
export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'refused'>('idle');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setState('copied');
    } catch {
      setState('refused');
    }
  };
  return (
    <>
      <button type="button" onClick={() => void copy()}>
        {label}
      </button>
      <span role="status" class="muted small">
        {state === 'copied' ? 'Copied.' : state === 'refused' ? 'The browser did not allow copying: select the text and copy it.' : ''}
      </span>
    </>
  );
}
