import { useEffect, useState } from 'preact/hooks';
import type { Page } from './api/types';
import { useAction, useLoad } from './hooks';

/**
 * A newest-first list with "Load more". The first page reloads (and polls, with `pollMs`);
 * pages loaded further down stay, and items are de-duplicated by id as new ones push old ones on.
 */
export function usePaged<T extends { id: string }>(fetchPage: (iterator?: string) => Promise<Page<T>>, deps: unknown[], pollMs?: number) {
  const first = useLoad(() => fetchPage(), deps, pollMs);
  const [extra, setExtra] = useState<{ items: T[]; iterator: string | null | undefined }>({ items: [], iterator: undefined });
  useEffect(() => setExtra({ items: [], iterator: undefined }), deps);

  const seen = new Set<string>();
  const items = [...(first.data?.data ?? []), ...extra.items].filter((item) => !seen.has(item.id) && seen.add(item.id));
  const next = extra.iterator !== undefined ? extra.iterator : first.data && !first.data.done ? first.data.iterator : null;

  const more = useAction(async () => {
    if (!next) return;
    const page = await fetchPage(next);
    setExtra((e) => ({ items: [...e.items, ...page.data], iterator: page.done ? null : page.iterator }));
  });

  return {
    items,
    loading: first.loading,
    error: first.error ?? more.error,
    reload: first.reload,
    hasMore: Boolean(next),
    loadMore: () => void more.run(),
    loadingMore: more.busy,
  };
}
