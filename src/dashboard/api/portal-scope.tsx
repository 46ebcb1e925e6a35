import { createContext, type ComponentChildren } from 'preact';
import { useContext, useRef } from 'preact/hooks';
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
  // Asked again when the embedding page hands over a fresh link (its scope may differ), keeping
  // the previous scope meanwhile so the screen is not torn down.
  const loaded = useLoad(
    async () => (appId ? api.get<{ capabilities: Capability[]; eventTypes: string[] | null }>(`/apps/${seg(appId)}/portal-session`) : null),
    [appId, session.token],
  );
  const last = useRef<PortalScope | null>(null);
  if (!appId) return <ScopeContext.Provider value={EVERYTHING}>{children}</ScopeContext.Provider>;
  if (loaded.data) {
    const held = new Set<string>(loaded.data.capabilities);
    last.current = { can: (c) => held.has(c), eventTypes: loaded.data.eventTypes };
  } else if (loaded.error) {
    // Unreadable (a server from before scoped links): show everything and let the API decide.
    last.current = EVERYTHING;
  }
  if (!last.current) return <Loading what="your access" />;
  return <ScopeContext.Provider value={last.current}>{children}</ScopeContext.Provider>;
}
