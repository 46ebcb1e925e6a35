import { seg } from '../api/client';
import type { Endpoint, Page } from '../api/types';
import { useApi, useLoad } from '../hooks';
import { useCan } from '../api/portal-scope';
import { endpointLabel } from '../ui/format';

/**
 * Endpoint id → name or URL, for delivery details. A link without endpoints:read gets no names
 * (ids are shown instead) rather than a 403.
 */
export function useEndpointNames(appId: string): Map<string, string> {
  const api = useApi();
  const canRead = useCan('endpoints:read');
  const endpoints = useLoad(
    () => (canRead ? api.get<Page<Endpoint>>(`/apps/${seg(appId)}/endpoints`, { limit: 250 }) : Promise.resolve({ data: [] as Endpoint[] })),
    [appId, canRead],
  );
  return new Map((endpoints.data?.data ?? []).map((e) => [e.id, endpointLabel(e)]));
}
