import type { ComponentChildren } from 'preact';
import { seg } from '../api/client';
import type { App } from '../api/types';
import { useApi, useLoad } from '../hooks';
import { link } from '../router';
import { useCan } from '../api/portal-scope';

type Section = 'endpoints' | 'messages' | 'events';

/**
 * Breadcrumbs and the app's two sections. Admins get a way back to every app; a portal tenant
 * sees only their app, so the trail starts there.
 */
export function AppHeader({ appId, section, trail = [] }: { appId: string; section?: Section; trail?: Array<{ href?: string; label: ComponentChildren }> }) {
  const api = useApi();
  const app = useLoad(() => api.get<App>(`/apps/${seg(appId)}`), [appId]);
  const canReadMessages = useCan('messages:read');
  const crumbs = [
    ...(api.isAdmin ? [{ href: '#/apps', label: 'Apps' as ComponentChildren }] : []),
    { href: link('apps', appId), label: (app.data?.name ?? appId) as ComponentChildren },
    ...trail,
  ];
  return (
    <div class="app-header">
      <nav aria-label="Breadcrumb" class="crumbs">
        <ol>
          {crumbs.map((c, i) => (
            <li key={i}>{c.href && i < crumbs.length - 1 ? <a href={c.href}>{c.label}</a> : <span aria-current="page">{c.label}</span>}</li>
          ))}
        </ol>
      </nav>
      {section && (
        <nav aria-label="App sections" class="tabs">
          <a href={link('apps', appId)} aria-current={section === 'endpoints' ? 'page' : undefined}>
            Endpoints
          </a>
          {canReadMessages && (
            <a href={link('apps', appId, 'messages')} aria-current={section === 'messages' ? 'page' : undefined}>
              Messages
            </a>
          )}
          <a href={link('apps', appId, 'events')} aria-current={section === 'events' ? 'page' : undefined}>
            Event catalogue
          </a>
        </nav>
      )}
    </div>
  );
}
