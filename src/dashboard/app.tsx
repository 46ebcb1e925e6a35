import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiClient } from './api/client';
import { clearSession, loadSession, saveSession, type Session } from './api/session';
import { ApiContext } from './hooks';
import { link, navigate, useRoute, type Route } from './router';
import { AppHome } from './screens/app-home';
import { AppsList } from './screens/apps-list';
import { Login } from './screens/login';
import { PortalExpired, type PortalEnd } from './screens/portal-expired';
import { EndpointEdit } from './screens/endpoint-edit';
import { EndpointDetails } from './endpoint/endpoint-details';
import { MessagesScreen } from './messages/messages-screen';
import { MessageDetail } from './messages/message-detail';
import { CatalogueScreen } from './catalogue/catalogue-screen';
import { OperatorsScreen } from './operators/operators-screen';
import { AuditLogScreen } from './operators/audit-log-screen';
import { startFrameBridge, tellHost } from './embed/frame-bridge';
import { PortalScopeProvider } from './api/portal-scope';
import { BrandMark, useApplyBranding, useBranding } from './ui/branding';

/** The shell: who is signed in, the header, and which screen the URL names. */
export function App() {
  const route = useRoute();
  const [session, setSession] = useState<Session | null>(loadSession);
  const [signedOutBecause, setSignedOutBecause] = useState<string | null>(null);
  // A portal wears its product's branding (ui/branding.tsx); the admin dashboard keeps Herald's look.
  const branding = useBranding(session?.kind === 'portal' ? session.appId : false);
  useApplyBranding(branding);

  // Framed by <herald-portal> (embed/frame-bridge.ts): a fresh link from the host page replaces the
  // token in place, for the same app only. Runs before the effect below reads the link's fragment.
  useEffect(() => startFrameBridge((appId, token) => {
    const current = loadSession();
    if (current?.kind !== 'portal' || current.appId !== appId) return false;
    const next: Session = { kind: 'portal', token, appId };
    saveSession(next);
    setSession(next);
    return true;
  }), []);

  // A portal link signs its tenant in, then leaves the token out of the address bar and history.
  useEffect(() => {
    if (route.name !== 'portal') return;
    if (!route.appId || !route.token) {
      endPortal('incomplete');
      return;
    }
    const next: Session = { kind: 'portal', token: route.token, appId: route.appId };
    saveSession(next);
    setSession(next);
    navigate(link('apps', route.appId), { replace: true });
  }, [route]);

  // A portal session whose token is refused (expired, revoked) ends on a screen of its own that
  // names who to ask for a new link; the customer never lands on the admin sign-in.
  const endPortal = (reason: PortalEnd) => {
    // The ended portal's app, so its screen can still wear the product's name and look.
    const ended = loadSession();
    const query = new URLSearchParams(reason === 'expired' ? {} : { reason });
    if (ended?.kind === 'portal') query.set('app', ended.appId);
    clearSession();
    setSession(null);
    // Once per session: several requests in flight may each meet the refused token, and the host
    // page should ask its backend for one new link, not one per request.
    if (reason === 'expired' && ended?.kind === 'portal') tellHost({ herald: 'expired' });
    navigate(`#/portal-expired${query.size ? `?${query}` : ''}`, { replace: true });
  };

  const signOut = (reason: string | null) => {
    clearSession();
    setSession(null);
    setSignedOutBecause(reason);
    navigate('#/login');
  };

  const api = useMemo(
    () =>
      session &&
      new ApiClient(session, (message) => (session.kind === 'portal' ? endPortal('expired') : signOut(`Signed out: ${message}`))),
    [session],
  );

  if (route.name === 'portal') return null;
  if (route.name === 'portal-expired') return <PortalExpired reason={route.reason} appId={route.appId} />;
  if (!session || !api) {
    return (
      <Login
        notice={signedOutBecause}
        onSignedIn={(token) => {
          const next: Session = { kind: 'admin', token };
          saveSession(next);
          setSession(next);
          setSignedOutBecause(null);
          navigate('#/apps', { replace: true });
        }}
      />
    );
  }

  return (
    <ApiContext.Provider value={api}>
      <a class="skip-link" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById('main')?.focus(); }}>
        Skip to content
      </a>
      <header class="topbar">
        <BrandMark href={session.kind === 'admin' ? '#/apps' : link('apps', session.appId)} branding={session.kind === 'portal' ? branding : null} />
        <span class="role-tag">{session.kind === 'admin' ? 'Admin' : 'Webhooks portal'}</span>
        <nav aria-label="Main">
          {session.kind === 'admin' && <a href="#/apps">Apps</a>}
          {session.kind === 'admin' && <a href="#/event-types">Event catalogue</a>}
          {session.kind === 'admin' && <a href="#/operators">Operators</a>}
          {session.kind === 'admin' && <a href="#/audit-log">Audit log</a>}
          <button type="button" class="link-button" onClick={() => (session.kind === 'portal' ? endPortal('signed-out') : signOut(null))}>
            Sign out
          </button>
        </nav>
      </header>
      <main id="main" tabIndex={-1}>
        <PortalScopeProvider session={session}>
          <Screen route={route} session={session} />
        </PortalScopeProvider>
      </main>
    </ApiContext.Provider>
  );
}

function Screen({ route, session }: { route: Route; session: Session }) {
  // A portal session sees its own app only: any other route lands on the app's home.
  if (session.kind === 'portal' && (!('appId' in route) || route.appId !== session.appId)) {
    return <Redirect to={link('apps', session.appId)} />;
  }
  switch (route.name) {
    case 'login':
      return <Redirect to={session.kind === 'admin' ? '#/apps' : link('apps', session.appId)} />;
    case 'apps':
      return <AppsList />;
    case 'app':
      return <AppHome appId={route.appId} />;
    case 'endpoint-new':
      return <EndpointEdit appId={route.appId} />;
    case 'endpoint-edit':
      return <EndpointEdit appId={route.appId} endpointId={route.endpointId} />;
    case 'endpoint':
      return <EndpointDetails appId={route.appId} endpointId={route.endpointId} />;
    case 'messages':
      return <MessagesScreen appId={route.appId} query={route.query} />;
    case 'message':
      return <MessageDetail appId={route.appId} msgId={route.msgId} />;
    case 'catalogue':
      return <CatalogueScreen appId={route.appId} />;
    case 'operators':
      return <OperatorsScreen />;
    case 'audit-log':
      return <AuditLogScreen />;
    default:
      return (
        <section>
          <h1>Not found</h1>
          <p>
            Nothing lives at this address. <a href="#/apps">Back to the start</a>.
          </p>
        </section>
      );
  }
}

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}
