/**
 * Deepest nesting accepted in a JSON request body. V8's JSON.parse copes with any depth, but
 * JSON.stringify (run when a message is stored, rendered for delivery and shown by the API)
 * overflows the stack at a few thousand levels, so 10 KB of `[[[…]]]` would otherwise end in a
 * 500. Real payloads stay far below this.
 */
export const MAX_JSON_DEPTH = 512;

/** Whether `value` nests arrays/objects more than `max` levels deep. Iterative: it cannot overflow itself. */
export function nestedDeeperThan(value: unknown, max: number): boolean {
  const pending: Array<{ value: object; depth: number }> = [];
  if (value !== null && typeof value === 'object') pending.push({ value, depth: 1 });
  while (pending.length > 0) {
    const { value: current, depth } = pending.pop()!;
    if (depth > max) return true;
    for (const child of Object.values(current)) {
      if (child !== null && typeof child === 'object') pending.push({ value: child as object, depth: depth + 1 });
    }
  }
  return false;
}
