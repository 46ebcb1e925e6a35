import type { ComponentChildren } from 'preact';

/** An API or network error, announced to screen readers as it appears. */
export function ErrorNote({ error, children }: { error: Error | null | undefined; children?: ComponentChildren }) {
  if (!error) return null;
  return (
    <p class="note note-error" role="alert">
      {children}
      {error.message}
    </p>
  );
}

/** A polite status line ("Test event sent"), read out without stealing focus. */
export function StatusNote({ children }: { children: ComponentChildren }) {
  return (
    <p class="note note-ok" role="status">
      {children}
    </p>
  );
}

export function Loading({ what }: { what: string }) {
  return <p class="muted" aria-live="polite">Loading {what}…</p>;
}
