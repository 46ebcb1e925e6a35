import { useState } from 'preact/hooks';
import { seg } from '../api/client';
import type { EventType } from '../api/types';
import { usePortalScope } from '../api/portal-scope';
import { useApi, useLoad } from '../hooks';
import { AppHeader } from '../ui/app-header';
import { ErrorNote, Loading, StatusNote } from '../ui/notes';
import { EventTypeCard } from './event-type-card';
import { EventTypeForm } from './event-type-form';
import { ImportForm } from './import-form';
import { groupLabel, groupTypes, loadCatalogue, matchesSearch } from './load-catalogue';

/**
 * The event catalogue: every event type grouped, searchable, each with its fields, example and
 * deprecated badge. Customers read it in the portal (`appId`: inside their app); the admin also
 * creates, edits, deletes and imports types here.
 */
export function CatalogueScreen({ appId }: { appId: string | null }) {
  const api = useApi();
  const scope = usePortalScope();
  const list = useLoad(() => loadCatalogue(api), []);
  const [search, setSearch] = useState('');
  const [editing, setEditing] = useState<EventType | 'new' | null>(null);
  const [importing, setImporting] = useState(false);
  const [status, setStatus] = useState<string | null>(null);
  const [failure, setFailure] = useState<Error | null>(null);

  // A scoped portal link sees only the types it may subscribe to.
  const allowed = (list.data ?? []).filter((t) => !scope.eventTypes || scope.eventTypes.includes(t.name));
  const shown = allowed.filter((t) => matchesSearch(t, search));
  const saved = (what: string) => {
    setEditing(null);
    setStatus(what);
    void list.reload();
  };
  const remove = async (t: EventType) => {
    setFailure(null);
    try {
      await api.delete(`/event-types/${seg(t.name)}`);
      saved(`Deleted ${t.name}.`);
    } catch (err) {
      setFailure(err as Error);
    }
  };

  return (
    <section>
      {appId && <AppHeader appId={appId} section="events" />}
      <h1>Event catalogue</h1>
      <p class="muted">The events you can receive, what their data holds, and an example of each.</p>
      {api.isAdmin && !editing && !importing && (
        <div class="row">
          <button type="button" class="primary" onClick={() => { setStatus(null); setEditing('new'); }}>New event type</button>
          <button type="button" onClick={() => { setStatus(null); setImporting(true); }}>Import from OpenAPI</button>
        </div>
      )}
      {editing && (
        <EventTypeForm
          initial={editing === 'new' ? undefined : editing}
          onSaved={(t) => saved(`Saved ${t.name}.`)}
          onCancel={() => setEditing(null)}
        />
      )}
      {importing && <ImportForm onImported={() => void list.reload()} onClose={() => setImporting(false)} />}
      {status && <StatusNote>{status}</StatusNote>}
      <ErrorNote error={list.error ?? failure} />
      {list.loading && !list.data && <Loading what="the event catalogue" />}
      {list.data && allowed.length === 0 && <p class="muted">No event types in the catalogue yet.</p>}
      {allowed.length > 0 && (
        <input
          type="search"
          class="filter"
          aria-label="Search event types"
          placeholder="Search event types…"
          value={search}
          onInput={(e) => setSearch(e.currentTarget.value)}
        />
      )}
      {allowed.length > 0 && shown.length === 0 && <p class="muted">No event type matches "{search}".</p>}
      {groupTypes(shown).map(({ group, types }) => {
        const headingId = `group-${(group ?? 'other').replace(/[^A-Za-z0-9_-]/g, '-')}`;
        return (
          <section key={group ?? ''} aria-labelledby={headingId} class="catalogue-group">
            <h2 id={headingId}>{groupLabel(group)} <span class="muted small">({types.length})</span></h2>
            <ul class="card-list">
              {types.map((t) => (
                <EventTypeCard
                  key={t.name}
                  eventType={t}
                  onEdit={api.isAdmin ? () => { setImporting(false); setEditing(t); window.scrollTo({ top: 0 }); } : undefined}
                  onDelete={api.isAdmin ? () => remove(t) : undefined}
                />
              ))}
            </ul>
          </section>
        );
      })}
    </section>
  );
}
