import { createContext, type ComponentChildren } from 'preact';
import { useContext } from 'preact/hooks';
import type { Capability } from '../../api/route-access.js';
import { seg } from './client';
import type { Session } from './session';
import { useApi, useLoad } from '../hooks';
import { Loading } from '../ui/notes';

// What the signed-in link may do (GET /apps/{appId}/portal-session), so the portal hides the
// controls a scoped link may not use. Only a convenience: the API refuses those calls anyway.

export interface PortalScope {
  can: (capability: Capability) => boolean;
  /** The event types the link may subscribe to and see; null: every type. */
  eventTypes: readonly string[] | null;
}

const EVERYTHING: PortalScope = { can: () => true, eventTypes: null };
const ScopeContext = createContext<PortalScope>(EVERYTHING);

export function usePortalScope(): PortalScope {
  return useContext(ScopeContext);
}

/** Whether the signed-in link holds `capability` (the admin holds them all). */
export function useCan(capability: Capability): boolean {
  return useContext(ScopeContext).can(capability);
}

/** Loads a portal session's scope before its screens render, so no control shows and then vanishes. */
export function PortalScopeProvider({ session, children }: { session: Session; children: ComponentChildren }) {
  const api = useApi();
  const appId = session.kind === 'portal' ? session.appId : null;
  const loaded = useLoad(
    async () => (appId ? api.get<{ capabilities: Capability[]; eventTypes: string[] | null }>(`/apps/${seg(appId)}/portal-session`) : null),
    [appId],
  );
  if (!appId) return <ScopeContext.Provider value={EVERYTHING}>{children}</ScopeContext.Provider>;
  if (loaded.loading && !loaded.data) return <Loading what="your access" />;
  // Unreadable (a server from before scoped links): show everything and let the API decide.
  const held = loaded.data ? new Set<string>(loaded.data.capabilities) : null;
  const scope: PortalScope = held ? { can: (c) => held.has(c), eventTypes: loaded.data!.eventTypes } : EVERYTHING;
  return <ScopeContext.Provider value={scope}>{children}</ScopeContext.Provider>;
}
