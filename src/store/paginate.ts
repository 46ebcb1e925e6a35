import type { Page, PageRequest } from './store.js';

/** Rows were fetched with LIMIT limit+1: the extra row only tells whether more exist. */
export function toPage<T extends { id: string } | { name: string }>(rows: T[], limit: number): Page<T> {
  const done = rows.length <= limit;
  const data = done ? rows : rows.slice(0, limit);
  const last = data[data.length - 1];
  const iterator = last ? ('id' in last ? last.id : last.name) : null;
  return { data, iterator, done };
}

/**
 * A keyset page's direction as SQL: the comparison with the iterator and the ORDER BY direction.
 * Fixed strings chosen here, never the caller's text, so they can be written into the statement.
 */
export function keysetOrder(order: PageRequest['order'], fallback: 'asc' | 'desc' = 'desc'): { beyond: '<' | '>'; dir: 'ASC' | 'DESC' } {
  return (order ?? fallback) === 'asc' ? { beyond: '>', dir: 'ASC' } : { beyond: '<', dir: 'DESC' };
}
