// Which endpoints a message fans out to. An empty or absent list means "send me everything",
// as webhook dashboards commonly offer it (a "Send Me Everything" toggle).
export interface EndpointFilter {
  eventTypes: readonly string[] | null;
  entityTypes: readonly string[] | null;
}

export interface FilterSubject {
  eventType: string;
  entityType: string | null;
}

export function filterMatches(filter: EndpointFilter, subject: FilterSubject): boolean {
  if (filter.eventTypes && filter.eventTypes.length > 0 && !filter.eventTypes.includes(subject.eventType)) {
    return false;
  }
  if (filter.entityTypes && filter.entityTypes.length > 0) {
    if (subject.entityType === null || !filter.entityTypes.includes(subject.entityType)) return false;
  }
  return true;
}
