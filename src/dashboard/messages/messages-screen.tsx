import { useState } from 'preact/hooks';
import { seg } from '../api/client';
import type { Page } from '../api/types';
import type { MessageWithDelivery as Message } from '../api/delivery-types';
import { useApi } from '../hooks';
import { usePaged } from '../paged';
import { link, navigate } from '../router';
import { AppHeader } from '../ui/app-header';
import { formatTime } from '../ui/format';
import { ErrorNote, Loading } from '../ui/notes';
import { DeliveryStateBadge, deliveryTitle } from '../ui/delivery-state-badge';
import { useEndpointNames } from './endpoint-names';

type Mode = 'eventType' | 'msgId' | 'entity';

/** The app's messages, newest first, searchable by event type, message id or entity. */
export function MessagesScreen({ appId, query }: { appId: string; query: URLSearchParams }) {
  const api = useApi();
  const eventType = query.get('eventType') ?? '';
  const entityType = query.get('entityType') ?? '';
  const entityId = query.get('entityId') ?? '';
  const byEntity = Boolean(entityType && entityId);
  const list = usePaged(
    (iterator) =>
      byEntity
        ? api.get<Page<Message>>(`/apps/${seg(appId)}/entities/${seg(entityType)}/${seg(entityId)}/messages`, { limit: 50, iterator })
        : api.get<Page<Message>>(`/apps/${seg(appId)}/messages`, { limit: 50, iterator, eventType: eventType || undefined }),
    [appId, eventType, entityType, entityId],
    5000,
  );
  const filtered = Boolean(eventType || byEntity);
  const names = useEndpointNames(appId);

  return (
    <section>
      <AppHeader appId={appId} section="messages" />
      <h1>Messages</h1>
      <SearchForm appId={appId} initial={{ eventType, entityType, entityId }} />
      {filtered && (
        <p class="muted">
          Showing messages {byEntity ? `about ${entityType} ${entityId}` : `of type ${eventType}`}. <a href={link('apps', appId, 'messages')}>Show all</a>
        </p>
      )}
      <ErrorNote error={list.error} />
      {list.loading && <Loading what="messages" />}
      {!list.loading && list.items.length === 0 && <p class="muted">No messages{filtered ? ' match this search' : ' yet'}.</p>}
      {list.items.length > 0 && (
        <table class="responsive">
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Event type</th>
              <th scope="col">Delivery</th>
              <th scope="col">Entity</th>
              <th scope="col">Message id</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((m) => (
              <tr key={m.id}>
                <td data-label="Time"><a href={link('apps', appId, 'messages', m.id)}>{formatTime(m.createdAt)}</a></td>
                <td data-label="Event type" class="mono">{m.eventType}</td>
                {/* Per-endpoint detail on hover (title); the message page shows it as a table. */}
                <td data-label="Delivery"><DeliveryStateBadge state={m.delivery.state} title={deliveryTitle(m.delivery, names)} /></td>
                <td data-label="Entity" class="mono">{m.entity ? `${m.entity.type} ${m.entity.id}` : '–'}</td>
                <td data-label="Message id" class="mono small break">{m.id}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {list.hasMore && (
        <button type="button" onClick={list.loadMore} disabled={list.loadingMore}>
          Load older messages
        </button>
      )}
    </section>
  );
}

function SearchForm({ appId, initial }: { appId: string; initial: { eventType: string; entityType: string; entityId: string } }) {
  const [mode, setMode] = useState<Mode>(initial.entityType ? 'entity' : 'eventType');
  const [text, setText] = useState(initial.eventType);
  const [entityType, setEntityType] = useState(initial.entityType);
  const [entityId, setEntityId] = useState(initial.entityId);
  const base = link('apps', appId, 'messages');

  const submit = (e: Event) => {
    e.preventDefault();
    if (mode === 'msgId' && text.trim()) return navigate(link('apps', appId, 'messages', text.trim()));
    if (mode === 'entity' && entityType.trim() && entityId.trim()) {
      return navigate(`${base}?${new URLSearchParams({ entityType: entityType.trim(), entityId: entityId.trim() })}`);
    }
    navigate(mode === 'eventType' && text.trim() ? `${base}?${new URLSearchParams({ eventType: text.trim() })}` : base);
  };

  return (
    <form class="card search" role="search" aria-label="Search messages" onSubmit={submit}>
      <div class="row align-end">
        <div class="field">
          <label for="search-mode">Search by</label>
          <select id="search-mode" value={mode} onChange={(e) => setMode(e.currentTarget.value as Mode)}>
            <option value="eventType">Event type</option>
            <option value="msgId">Message id</option>
            <option value="entity">Entity</option>
          </select>
        </div>
        {mode === 'entity' ? (
          <>
            <div class="field grow">
              <label for="search-entity-type">Entity type</label>
              <input id="search-entity-type" class="mono" placeholder="Agreement" value={entityType} onInput={(e) => setEntityType(e.currentTarget.value)} />
            </div>
            <div class="field grow">
              <label for="search-entity-id">Entity id</label>
              <input id="search-entity-id" class="mono" placeholder="25" value={entityId} onInput={(e) => setEntityId(e.currentTarget.value)} />
            </div>
          </>
        ) : (
          <div class="field grow">
            <label for="search-text">{mode === 'eventType' ? 'Event type' : 'Message id'}</label>
            <input id="search-text" class="mono" placeholder={mode === 'eventType' ? 'member.removed' : 'msg_…'} value={text} onInput={(e) => setText(e.currentTarget.value)} />
          </div>
        )}
        <button type="submit" class="primary">
          Search
        </button>
      </div>
    </form>
  );
}
