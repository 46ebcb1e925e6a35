import type { CapturedRequest } from './listen-server.js';

/** One received request as the terminal shows it: what arrived, the ✓/✗, and what was answered. */
export function formatCaptured(r: CapturedRequest, schemeLabel: string): string {
  const lines: string[] = [];
  const time = r.receivedAt.slice(11, 19);
  lines.push(`── #${r.seq}  ${time}  ${r.method} ${r.path}`);
  const query = Object.entries(r.query);
  if (query.length > 0) {
    lines.push('query:');
    for (const [key, values] of query) for (const value of values) lines.push(`  ${key} = ${value}`);
  }
  lines.push('headers:');
  for (const [name, value] of Object.entries(r.headers)) {
    for (const v of Array.isArray(value) ? value : [value]) lines.push(`  ${name}: ${v}`);
  }
  if (r.body.length > 0) {
    lines.push('body:');
    const pretty = r.json !== undefined ? JSON.stringify(r.json, null, 2) : r.body;
    lines.push(...pretty.split('\n').map((line) => `  ${line}`));
  }
  if (r.signature.result === 'valid') lines.push(`✓ signature valid (${schemeLabel})`);
  else if (r.signature.result === 'invalid') lines.push(`✗ signature invalid (${schemeLabel}): ${r.signature.reason}`);
  else lines.push('· signature not checked (pass --secret to check it)');
  if (r.response.error) lines.push(`→ 502: could not forward to ${r.response.forwardedTo}: ${r.response.error}`);
  else if (r.response.forwardedTo) lines.push(`→ forwarded to ${r.response.forwardedTo}: ${r.response.status}`);
  else lines.push(`→ answered ${r.response.status}`);
  return lines.join('\n') + '\n\n';
}
