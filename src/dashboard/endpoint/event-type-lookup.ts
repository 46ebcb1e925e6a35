import { useEffect, useRef, useState } from 'preact/hooks';
import { seg } from '../api/client';
import type { Message } from '../api/types';
import { useApi } from '../hooks';
import { useCan } from '../api/portal-scope';

const CONCURRENCY = 4;

/**
 * Attempts name their message, not its event type: look each message up once (a few at a time,
 * to stay well inside an app token's rate limit) and remember the answer for this screen.
 */
export function useEventTypes(appId: string, msgIds: string[]): Map<string, string> {
  const api = useApi();
  // A portal link without messages:read may not read them (403): the types stay unknown.
  const canRead = useCan('messages:read');
  const [known, setKnown] = useState(() => new Map<string, string>());
  const requested = useRef(new Set<string>());
  const key = msgIds.join(',');

  useEffect(() => {
    if (!canRead) return;
    const missing = [...new Set(msgIds)].filter((id) => !requested.current.has(id));
    if (missing.length === 0) return;
    missing.forEach((id) => requested.current.add(id));
    let cancelled = false;
    const worker = async () => {
      while (!cancelled && missing.length > 0) {
        const id = missing.shift()!;
        try {
          const msg = await api.get<Message>(`/apps/${seg(appId)}/messages/${seg(id)}`);
          setKnown((m) => new Map(m).set(msg.id, msg.eventType));
        } catch {
          requested.current.delete(id); // try again on the next refresh
        }
      }
    };
    void Promise.all(Array.from({ length: CONCURRENCY }, worker));
    return () => {
      cancelled = true;
      missing.forEach((id) => requested.current.delete(id)); // not fetched: the next run asks again
    };
  }, [appId, key, canRead]);

  return known;
}
