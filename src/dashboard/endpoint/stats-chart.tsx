import { useEffect } from 'preact/hooks';
import { seg } from '../api/client';
import type { EndpointStats, StatsBucket } from '../api/types';
import { useApi, useLoad } from '../hooks';
import { formatLatency, formatPercent } from '../ui/format';
import { ErrorNote } from '../ui/notes';

const W = 480;
const H = 96;
const PAD = { top: 8, bottom: 18, left: 52 };

const hourLabel = (iso: string) => `${String(new Date(iso).getHours()).padStart(2, '0')}:00`;

interface ChartProps {
  title: string;
  buckets: StatsBucket[];
  value: (b: StatsBucket) => number | null;
  max: number;
  format: (v: number) => string;
  /** A class per bar, so failure-heavy hours can stand out. */
  tone: (b: StatsBucket) => string;
}

/** 24 hourly bars in inline SVG; an hour without attempts is a gap, not a zero. */
function BarChart({ title, buckets, value, max, format, tone }: ChartProps) {
  const slot = (W - PAD.left) / buckets.length;
  const plot = H - PAD.top - PAD.bottom;
  const shown = buckets.filter((b) => value(b) !== null);
  const summary = shown.length
    ? `${title}, last 24 hours: ${shown.map((b) => `${hourLabel(b.start)} ${format(value(b)!)}`).join(', ')}`
    : `${title}: no attempts in the last 24 hours`;
  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={summary} preserveAspectRatio="xMidYMid meet">
        <text x={PAD.left - 4} y={PAD.top + 8} class="axis" text-anchor="end">{format(max)}</text>
        <text x={PAD.left - 4} y={H - PAD.bottom} class="axis" text-anchor="end">0</text>
        <line x1={PAD.left} x2={W} y1={H - PAD.bottom} y2={H - PAD.bottom} class="baseline" />
        {buckets.map((b, i) => {
          const v = value(b);
          const x = PAD.left + i * slot;
          const h = v === null || max === 0 ? 0 : Math.max(1, (v / max) * plot);
          return (
            <g key={b.start}>
              {v !== null && (
                <rect x={x + 1} y={H - PAD.bottom - h} width={Math.max(1, slot - 2)} height={h} class={`bar ${tone(b)}`}>
                  <title>{`${hourLabel(b.start)}: ${format(v)} (${b.attempts} attempts)`}</title>
                </rect>
              )}
              {i % 6 === 0 && (
                <text x={x} y={H - 4} class="axis">{hourLabel(b.start)}</text>
              )}
            </g>
          );
        })}
      </svg>
    </figure>
  );
}

/** Success rate and average latency per hour, refreshed now and then (it changes slowly). */
export function StatsChart({ appId, endpointId, latestAttempt }: { appId: string; endpointId: string; latestAttempt?: string }) {
  const api = useApi();
  const stats = useLoad(() => api.get<EndpointStats>(`/apps/${seg(appId)}/endpoints/${seg(endpointId)}/stats`), [appId, endpointId], 60_000);
  // A new attempt in the log changes the figures: refresh then rather than on a fast timer.
  useEffect(() => {
    if (latestAttempt) void stats.reload();
  }, [latestAttempt]);
  const s = stats.data;
  const maxLatency = s ? Math.max(0, ...s.buckets.map((b) => b.avgLatencyMs ?? 0)) : 0;
  return (
    <section class="card" aria-labelledby="stats-title">
      <h2 id="stats-title">Last 24 hours</h2>
      <ErrorNote error={stats.error}>Statistics unavailable: </ErrorNote>
      {s && (
        <>
          <p class="stats-totals">
            <span><strong>{s.totals.attempts}</strong> attempt{s.totals.attempts === 1 ? '' : 's'}</span>
            <span><strong>{formatPercent(s.totals.successRate)}</strong> succeeded</span>
            <span><strong>{formatLatency(s.totals.avgLatencyMs)}</strong> average latency</span>
          </p>
          <div class="charts">
            <BarChart title="Success rate" buckets={s.buckets} value={(b) => b.successRate} max={1} format={formatPercent} tone={(b) => ((b.successRate ?? 1) < 0.9 ? 'bar-bad' : 'bar-good')} />
            <BarChart title="Average latency" buckets={s.buckets} value={(b) => b.avgLatencyMs} max={maxLatency} format={formatLatency} tone={() => 'bar-neutral'} />
          </div>
        </>
      )}
    </section>
  );
}
