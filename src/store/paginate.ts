import type { Page } from './store.js';

/** Rows were fetched with LIMIT limit+1: the extra row only tells whether more exist. */
export function toPage<T extends { id: string } | { name: string }>(rows: T[], limit: number): Page<T> {
  const done = rows.length <= limit;
  const data = done ? rows : rows.slice(0, limit);
  const last = data[data.length - 1];
  const iterator = last ? ('id' in last ? last.id : last.name) : null;
  return { data, iterator, done };
}
