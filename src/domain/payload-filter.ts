import { Environment, type ASTNode } from '@marcbachmann/cel-js';

// Payload filters: a CEL expression over { eventType, data, entity } an endpoint may carry; a
// message it does not hold true for creates no delivery to that endpoint (docs/filters.md).
//
// WHY these bounds. Filters may be written by tenants (the portal), so a hostile one must not stall
// the publishing path, which evaluates them synchronously inside the publish transaction. CEL is not
// Turing-complete (no loops besides the comprehension macros, no recursion), and cel-js bounds the
// expression itself at parse time (AST nodes, depth, literal list and map sizes: the limits below).
// JavaScript cannot interrupt synchronous code, so no timeout is possible; what remains is bounded
// by counting instead:
// - An evaluation budget: the payload is handed to cel-js behind read-only proxies that count every
//   value read from it (a list element, an object field, an object's key list by its length). Each
//   walk over the payload (a comprehension, `in`, list `+`, equality of lists) reads through them,
//   so an evaluation that would read more than FILTER_READ_BUDGET values stops there and counts as
//   failed: deterministic, whatever the machine's speed. After the budget is spent every read
//   fails at once, so what follows is cheap.
// - What the proxies cannot see is bounded by rules: `matches()` is refused (cel-js runs it on
//   JavaScript's backtracking RegExp, where "(a|a)*b" takes exponential time on a short literal);
//   `data` may not be read inside a comprehension's body (a string's contains() or a list literal
//   there would run once per element, unseen); comprehensions nest at most two deep and a nested
//   one may not range over a list literal (64 × 64 iterations at most, over literals only); list
//   and map literals inside a comprehension's body are visited (`i in [..]`) or built (a map()
//   making a list per element, walked afterwards) once per element, so the read budget is divided
//   by 1 + their element count: the work per read stays bounded by the expression's size.

/** The largest filter text accepted (characters). */
export const FILTER_MAX_LENGTH = 1000;
/** How many values of the payload one evaluation may read (divided for literals in comprehension bodies). */
export const FILTER_READ_BUDGET = 10_000;
const MAX_COMPREHENSION_NESTING = 2;
const COMPREHENSIONS = new Set(['all', 'exists', 'exists_one', 'map', 'filter']);
const REFUSED_FUNCTIONS: Record<string, string> = {
  matches: 'matches() is not available in filters: its regular expressions run on a backtracking engine that a hostile pattern can stall; use startsWith(), endsWith() or contains()',
};

const environment = new Environment({
  homogeneousAggregateLiterals: false,
  limits: { maxAstNodes: 200, maxDepth: 24, maxListElements: 64, maxMapEntries: 32, maxCallArguments: 8 },
})
  .registerVariable('eventType', 'string')
  .registerVariable('data', 'dyn')
  .registerVariable('entity', 'dyn');

/** A filter that failed validation: `position` is 0-based in the text, `line`/`column` 1-based. */
export interface FilterProblem {
  message: string;
  position: number;
  line: number;
  column: number;
}

export interface CompiledFilter {
  text: string;
  evaluate(subject: FilterInput): FilterOutcome;
}

export interface FilterInput {
  eventType: string;
  data: unknown;
  entity: { type: string; id: string | number } | null;
}

/** `error` is set when the evaluation failed (counted as no match). */
export type FilterOutcome = { matches: boolean; error?: string };

/** The problem with a filter text, or null when it compiles under the bounds above. */
export function filterProblem(text: string): FilterProblem | null {
  const result = compile(text);
  return 'problem' in result ? result.problem : null;
}

// Compiled programs by text: the fan-out target is built once per publish batch, and recompiling
// the same expression for every batch would cost more than evaluating it. Bounded, oldest first out.
const CACHE_SIZE = 500;
const cache = new Map<string, CompiledFilter | { problem: FilterProblem }>();

/** The compiled filter (cached by text), or its problem. */
export function compileFilter(text: string): CompiledFilter | { problem: FilterProblem } {
  let found = cache.get(text);
  if (!found) {
    found = compile(text);
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
    cache.set(text, found);
  }
  return found;
}

function compile(text: string): CompiledFilter | { problem: FilterProblem } {
  if (text.length > FILTER_MAX_LENGTH) {
    return { problem: at(text, FILTER_MAX_LENGTH, `a filter is at most ${FILTER_MAX_LENGTH} characters long (this one has ${text.length})`) };
  }
  if (text.trim() === '') return { problem: at(text, 0, 'the filter is empty: remove it to receive every message') };
  let program: ReturnType<typeof environment.parse>;
  try {
    program = environment.parse(text);
  } catch (error) {
    return { problem: fromCelError(text, error) };
  }
  const refused = refusedConstruct(program.ast, 0);
  if (refused) return { problem: at(text, refused.position, refused.message) };
  const checked = program.check();
  if (!checked.valid) return { problem: fromCelError(text, checked.error) };
  if (checked.type !== 'bool' && checked.type !== 'dyn') {
    return { problem: at(text, 0, `a filter must give true or false, and this one gives a value of type ${checked.type}`) };
  }
  // Reads allowed per evaluation: fewer when the comprehension bodies hold literals, whose elements
  // are visited per element of the payload (`i in [..]`, or a map() building a list per element).
  const reads = Math.floor(FILTER_READ_BUDGET / (1 + literalElementsInBodies(program.ast, 0)));
  return {
    text,
    evaluate(subject) {
      const meter = meterOf(subject, reads);
      try {
        const result = program(meter.context);
        // Over budget is a failure even where CEL's `||` or exists() absorbed the error into a result.
        if (meter.exhausted) return { matches: false, error: OVER_BUDGET };
        if (typeof result === 'boolean') return { matches: result };
        return { matches: false, error: `the filter gave ${describe(result)} instead of true or false` };
      } catch (error) {
        return { matches: false, error: meter.exhausted ? OVER_BUDGET : summary(error) };
      }
    },
  };
}

const OVER_BUDGET = 'the filter ran over its evaluation budget (too many values of the payload read)';
// One error object for every refused read: after the budget is spent cel-js may meet many reads
// (each comprehension still starts), and capturing a stack for each would cost more than the reads.
const overBudget = new Error(OVER_BUDGET);

// One meter per subject, so the endpoints of one message share its views (made once per message,
// not once per endpoint: a tenth of a filtered fan-out's cost); each evaluation gets a full budget.
const meters = new WeakMap<FilterInput, ReadMeter>();
function meterOf(subject: FilterInput, reads: number): ReadMeter {
  let meter = meters.get(subject);
  if (!meter) meters.set(subject, (meter = new ReadMeter(subject)));
  meter.reset(reads);
  return meter;
}

/** Read-only views of one payload that count the values read through them. */
class ReadMeter {
  exhausted = false;
  /** What cel-js evaluates over: the subject, its data behind the views. */
  readonly context: object;
  private left = 0;
  private readonly views = new WeakMap<object, object>();
  private readonly arrays: ProxyHandler<unknown[]>;
  private readonly objects: ProxyHandler<Record<string, unknown>>;

  constructor(subject: FilterInput) {
    const refuseWrite = () => false;
    this.arrays = {
      get: (target, key, receiver) => {
        // Indexes only: `length`, `constructor` and the methods cel-js calls are free.
        if (typeof key === 'string' && key.charCodeAt(0) <= 57 && key.charCodeAt(0) >= 48) {
          this.spend(1);
          return this.wrap(target[key as unknown as number]);
        }
        return Reflect.get(target, key, receiver);
      },
      set: refuseWrite, deleteProperty: refuseWrite, defineProperty: refuseWrite,
    };
    this.objects = {
      get: (target, key, receiver) => {
        if (typeof key !== 'string' || !Object.hasOwn(target, key)) return Reflect.get(target, key, receiver);
        this.spend(1);
        return this.wrap(target[key]);
      },
      ownKeys: (target) => {
        const keys = Reflect.ownKeys(target);
        this.spend(keys.length);
        return keys;
      },
      set: refuseWrite, deleteProperty: refuseWrite, defineProperty: refuseWrite,
    };
    this.context = { eventType: subject.eventType, entity: subject.entity, data: this.wrap(subject.data) };
  }

  reset(budget: number): void {
    this.left = budget;
    this.exhausted = false;
  }

  wrap(value: unknown): unknown {
    if (value === null || typeof value !== 'object') return value;
    let view = this.views.get(value);
    if (!view) {
      view = Array.isArray(value) ? new Proxy(value, this.arrays) : new Proxy(value as Record<string, unknown>, this.objects);
      this.views.set(value, view);
    }
    return view;
  }

  private spend(count: number): void {
    this.left -= count;
    if (this.left < 0) {
      this.exhausted = true;
      throw overBudget;
    }
  }
}

/**
 * The list and map literal elements inside comprehension bodies: each is visited (or built) once per
 * element the comprehension walks, work the read meter does not see, so the budget is divided by it.
 */
function literalElementsInBodies(node: ASTNode, nesting: number): number {
  let own = 0;
  if (nesting > 0 && (node.op === 'list' || node.op === 'map')) own = (node.args as unknown[]).length;
  if (node.op === 'rcall' && COMPREHENSIONS.has((node.args as unknown[])[0] as string)) {
    const [, receiver, args] = node.args as unknown as [string, ASTNode, ASTNode[]];
    return literalElementsInBodies(receiver, nesting) + args.reduce((sum, a) => sum + literalElementsInBodies(a, nesting + 1), 0);
  }
  let sum = own;
  for (const child of children(node.args)) sum += literalElementsInBodies(child, nesting);
  return sum;
}

function refusedConstruct(node: ASTNode, nesting: number): { position: number; message: string } | null {
  const position = node.start ?? 0;
  if (nesting > 0 && node.op === 'id' && node.args === 'data') {
    return { position, message: 'data cannot be used inside all, exists, exists_one, map or filter (it would be read once per element): use the iteration variable' };
  }
  const visit = (args: unknown, depth: number) => {
    for (const child of children(args)) {
      const found = refusedConstruct(child, depth);
      if (found) return found;
    }
    return null;
  };
  if (node.op === 'call' || node.op === 'rcall') {
    const [name, ...rest] = node.args as unknown[] as [string, ...unknown[]];
    if (REFUSED_FUNCTIONS[name]) return { position, message: REFUSED_FUNCTIONS[name]! };
    if (node.op === 'rcall' && COMPREHENSIONS.has(name)) {
      // The body runs once per element: what nests inside it multiplies; the receiver runs once.
      if (nesting + 1 > MAX_COMPREHENSION_NESTING) {
        return { position, message: `comprehensions (all, exists, exists_one, map, filter) nest at most ${MAX_COMPREHENSION_NESTING} deep in a filter` };
      }
      if (nesting > 0 && (rest[0] as ASTNode).op === 'list') {
        return { position, message: 'a comprehension inside another may not range over a list literal (it would run once per element); use `in` instead' };
      }
      return visit(rest[0], nesting) ?? visit(rest[1], nesting + 1);
    }
    return visit(rest, nesting);
  }
  return visit(node.args, nesting);
}

function* children(args: unknown): Generator<ASTNode> {
  if (Array.isArray(args)) for (const a of args) yield* children(a);
  else if (args && typeof args === 'object' && 'op' in args) yield args as ASTNode;
}

function fromCelError(text: string, error: unknown): FilterProblem {
  const range = (error as { range?: { start: number } }).range;
  return at(text, range?.start ?? 0, summary(error));
}

function summary(error: unknown): string {
  const e = error as { summary?: string; message?: string };
  return e.summary ?? e.message ?? String(error);
}

function at(text: string, position: number, message: string): FilterProblem {
  const before = text.slice(0, position).split('\n');
  const line = before.length;
  const column = before[before.length - 1]!.length + 1;
  return { message: `${message} (line ${line}, column ${column})`, position, line, column };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'bigint' || typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'string') return 'a string';
  return Array.isArray(value) ? 'a list' : `a ${typeof value}`;
}
