import { seg, type ApiClient } from '../api/client';
import type { Endpoint, EventType, Page } from '../api/types';
import { EndpointFormView } from '../endpoint-form/endpoint-form';
import { EMPTY_FORM, formFromEndpoint } from '../endpoint-form/form-state';
import { useApi, useLoad } from '../hooks';
import { link, navigate } from '../router';
import { AppHeader } from '../ui/app-header';
import { ErrorNote, Loading } from '../ui/notes';

/** The event-type catalogue, every page of it (it is short: names, not events). */
async function loadCatalogue(api: ApiClient): Promise<EventType[]> {
  const all: EventType[] = [];
  let iterator: string | undefined;
  for (let i = 0; i < 20; i++) {
    const page = await api.get<Page<EventType>>('/event-types', { limit: 250, iterator });
    all.push(...page.data);
    if (page.done || !page.iterator) break;
    iterator = page.iterator;
  }
  return all;
}

/** Create (no endpointId) or edit an endpoint. */
export function EndpointEdit({ appId, endpointId }: { appId: string; endpointId?: string }) {
  const api = useApi();
  const base = `/apps/${seg(appId)}/endpoints`;
  const loaded = useLoad(
    async () => ({
      catalogue: await loadCatalogue(api),
      endpoint: endpointId ? await api.get<Endpoint>(`${base}/${seg(endpointId)}`) : null,
    }),
    [appId, endpointId],
  );
  const title = endpointId ? 'Edit endpoint' : 'Add an endpoint';
  const back = endpointId ? link('apps', appId, 'endpoints', endpointId) : link('apps', appId);

  return (
    <section>
      <AppHeader appId={appId} trail={[...(endpointId ? [{ href: back, label: loaded.data?.endpoint?.name || 'Endpoint' }] : []), { label: title }]} />
      <h1>{title}</h1>
      <ErrorNote error={loaded.error} />
      {loaded.loading && <Loading what="the form" />}
      {loaded.data && (
        <EndpointFormView
          mode={endpointId ? 'edit' : 'create'}
          initial={loaded.data.endpoint ? formFromEndpoint(loaded.data.endpoint) : EMPTY_FORM}
          catalogue={loaded.data.catalogue}
          cancelHref={back}
          transformationTestPath={endpointId ? `${base}/${seg(endpointId)}/transformation/test` : undefined}
          onSubmit={async (body) => {
            const saved = endpointId
              ? await api.patch<Endpoint>(`${base}/${seg(endpointId)}`, body)
              : await api.post<Endpoint>(base, body);
            navigate(link('apps', appId, 'endpoints', saved.id));
          }}
        />
      )}
    </section>
  );
}
