import type { ApiClient } from '../api/client';
import type { EventType, Page } from '../api/types';

/** The whole catalogue (it is small: tens to a few hundred types), alphabetical. */
export async function loadCatalogue(api: ApiClient): Promise<EventType[]> {
  const all: EventType[] = [];
  let iterator: string | undefined;
  do {
    const page = await api.get<Page<EventType>>('/event-types', { limit: 250, iterator });
    all.push(...page.data);
    iterator = page.done ? undefined : (page.iterator ?? undefined);
  } while (iterator);
  return all;
}

export interface TypeGroup<T> {
  /** null: types without a group, listed last as "Other events". */
  group: string | null;
  types: T[];
}

/** Types by group, groups alphabetical, ungrouped last; each group keeps the input order. */
export function groupTypes<T extends { group?: string | null }>(types: T[]): Array<TypeGroup<T>> {
  const groups = new Map<string | null, T[]>();
  for (const t of types) {
    const key = t.group ?? null;
    groups.set(key, [...(groups.get(key) ?? []), t]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a === null ? 1 : b === null ? -1 : a.localeCompare(b)))
    .map(([group, list]) => ({ group, types: list }));
}

/** Search: every word must appear in the name, description or group. */
export function matchesSearch(t: { name: string; description?: string | null; group?: string | null }, search: string): boolean {
  const text = `${t.name} ${t.description ?? ''} ${t.group ?? ''}`.toLowerCase();
  return search.toLowerCase().split(/\s+/).filter(Boolean).every((word) => text.includes(word));
}

export const groupLabel = (group: string | null) => group ?? 'Other events';
