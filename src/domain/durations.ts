// ISO 8601 durations (PT30S, PT1M30S, P1D) as used in endpoint timeouts (`PT60S`) and retry schedules.
const ISO_DURATION = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

export function parseIsoDuration(text: string): number | null {
  const m = ISO_DURATION.exec(text);
  if (!m || text === 'P' || text.endsWith('T')) return null;
  const [, d, h, min, s] = m;
  return Math.round(
    (Number(d ?? 0) * 86400 + Number(h ?? 0) * 3600 + Number(min ?? 0) * 60 + Number(s ?? 0)) * 1000,
  );
}

export function formatIsoDuration(ms: number): string {
  let seconds = ms / 1000;
  const days = Math.floor(seconds / 86400);
  seconds -= days * 86400;
  const hours = Math.floor(seconds / 3600);
  seconds -= hours * 3600;
  const minutes = Math.floor(seconds / 60);
  seconds = Math.round((seconds - minutes * 60) * 1000) / 1000;
  let out = 'P' + (days ? `${days}D` : '');
  const time = (hours ? `${hours}H` : '') + (minutes ? `${minutes}M` : '') + (seconds ? `${seconds}S` : '');
  if (time || !days) out += 'T' + (time || '0S');
  return out;
}

// Config values such as "100ms", "5s", "2m", "30d" or an ISO duration, for operator-facing options.
export function parseDurationOption(text: string): number | null {
  const short = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(text.trim());
  if (short) {
    const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[short[2] as 'ms' | 's' | 'm' | 'h' | 'd'];
    return Math.round(Number(short[1]) * unit);
  }
  if (/^\d+$/.test(text.trim())) return Number(text.trim());
  return parseIsoDuration(text.trim());
}
