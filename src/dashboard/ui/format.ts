// Display helpers shared by the screens.

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string | undefined): Intl.DateTimeFormat {
  const key = timeZone ?? '';
  let f = formatters.get(key);
  if (!f) {
    // en-US only for the zone's abbreviation ("UTC", "EST", "GMT+1"); the date itself is laid out below.
    f = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
      hour: '2-digit', minute: '2-digit', second: '2-digit', timeZoneName: 'short',
    });
    formatters.set(key, f);
  }
  return f;
}

/**
 * Date and time to the second with its time zone, "2026-11-30 08:45:12 GMT+1": precise enough to
 * match a receiver's own logs, and unambiguous when a screenshot or a copied line travels to
 * someone in another zone. The browser's zone unless `timeZone` (an IANA name) is given.
 */
export function formatTime(iso: string, timeZone?: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const part: Record<string, string> = {};
  for (const p of formatterFor(timeZone).formatToParts(d)) part[p.type] = p.value;
  return `${part.year}-${part.month}-${part.day} ${part.hour}:${part.minute}:${part.second} ${part.timeZoneName}`;
}

/** How far `iso` is from `now`, for retry times: "in 4 min", "in 12 s", "now" (past or within a second). */
export function formatFromNow(iso: string, now = Date.now()): string {
  const ms = Date.parse(iso) - now;
  if (Number.isNaN(ms)) return iso;
  if (ms < 1000) return 'now';
  const s = Math.round(ms / 1000);
  if (s < 60) return `in ${s} s`;
  const min = Math.round(s / 60);
  if (min < 60) return `in ${min} min`;
  const h = Math.floor(min / 60);
  return min % 60 ? `in ${h} h ${min % 60} min` : `in ${h} h`;
}

export function formatLatency(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '–';
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

export function formatPercent(rate: number | null | undefined): string {
  if (rate === null || rate === undefined) return '–';
  return `${(rate * 100).toFixed(rate === 1 || rate === 0 ? 0 : 1)} %`;
}

/** A body as readable text: JSON indented, anything else as received. */
export function prettyBody(body: string | null | undefined): string {
  if (body === null || body === undefined || body === '') return '(empty)';
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

export function endpointLabel(ep: { name: string | null; url: string }): string {
  return ep.name || ep.url;
}
