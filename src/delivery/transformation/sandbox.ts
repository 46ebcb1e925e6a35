import {
  newQuickJSWASMModule,
  type QuickJSContext, type QuickJSHandle, type QuickJSRuntime, type QuickJSWASMModule,
} from 'quickjs-emscripten';
import { TransformationError } from './transformation-error.js';

// The sandbox transformations run in: QuickJS compiled to WebAssembly (quickjs-emscripten), never
// node:vm or eval. Inside it there is nothing but the language: no require, import, process,
// timers, network or files (QuickJS's std/os modules are not loaded), a fixed clock and no
// randomness (see PRELUDE). Limits: TIME_LIMIT_MS per call (interrupt handler), MEMORY_LIMIT_BYTES
// and MAX_STACK_BYTES per runtime. Whatever the code does, the worst outcome is a thrown
// TransformationError for this one call.

export const TIME_LIMIT_MS = 50;
/** Past this, a call is stopped however few steps it ran (an operation QuickJS cannot interrupt). */
export const HARD_TIME_LIMIT_MS = 1_000;
/**
 * QuickJS asks the interrupt handler every 10,000 steps (calls and loop jumps): a few ms each in
 * this build. A call is stopped past TIME_LIMIT_MS only once it has been asked this many times, so
 * a pause of the host itself (another process had the CPU: 20-100 ms measured on a busy 2-core
 * machine) does not fail a quick handler, while an endless loop still stops near 50 ms.
 */
const MIN_CHECKS_OVER_LIMIT = 3;

/** The interrupt handler for one call: wall time, counted from the start of the user's code. */
function deadlineFrom(limitMs: number): () => boolean {
  const start = performance.now();
  let checks = 0;
  return () => {
    checks++;
    const elapsed = performance.now() - start;
    return elapsed > HARD_TIME_LIMIT_MS || (elapsed > limitMs && checks >= MIN_CHECKS_OVER_LIMIT);
  };
}

/** Between calls: a cached runtime must not carry the previous call's (long passed) deadline. */
const NEVER = () => false;
export const MEMORY_LIMIT_BYTES = 16 * 1024 * 1024;
export const MAX_STACK_BYTES = 256 * 1024;
/** What a handler may hand back, as JSON text: larger is refused rather than sent. */
export const MAX_OUTPUT_CHARS = 2 * 1024 * 1024;
export const SOURCE_NAME = 'transformation.js';

export { TransformationError };

/**
 * Run before the user's code in every fresh context. `Date` answers the attempt's time (passed in
 * as `__heraldNow`) for `Date.now()` and `new Date()`, reached through the global or through any
 * date's `constructor`; dates built from explicit arguments work as usual. `Math.random` throws:
 * a transformation is a function of its input, so a retry transforms the same way.
 */
const PRELUDE = `(() => {
  const now = globalThis.__heraldNow;
  delete globalThis.__heraldNow;
  const RealDate = Date;
  function FixedDate(...args) {
    if (new.target === undefined) return new RealDate(now).toString();
    return args.length === 0 ? new RealDate(now) : new RealDate(...args);
  }
  FixedDate.prototype = RealDate.prototype;
  FixedDate.now = () => now;
  FixedDate.UTC = RealDate.UTC;
  FixedDate.parse = RealDate.parse;
  RealDate.now = FixedDate.now;
  Object.defineProperty(RealDate.prototype, 'constructor', { value: FixedDate, writable: true, configurable: true });
  globalThis.Date = FixedDate;
  Math.random = () => { throw new Error('Math.random is not available in transformations: they must give the same result on every retry'); };
})();`;

/**
 * The language a context gets: QuickJS's defaults without Proxy and typed arrays, which a
 * transformation of JSON has no use for; a context without them is made in half the time (~0.2
 * against ~0.4 ms), and a fresh context per call is most of a transformation's cost.
 */
const INTRINSICS = {
  BaseObjects: true, Date: true, Eval: true, JSON: true, RegExp: true, MapSet: true, StringNormalize: true, Promise: true,
} as const;

/**
 * The prelude on one line, put before the user's code in the same evaluation (one evaluation less
 * per call, ~0.1 ms): the code's line numbers stay its own, and columns on line 1 are shifted back.
 */
const PRELUDE_LINE = PRELUDE.replace(/\n\s*/g, ' ');

/** Calls `handler` on the parsed input and hands back its result as JSON text. */
const CALL = `(() => {
  if (typeof handler !== 'function') throw new TypeError('the transformation must define function handler(webhook)');
  const result = handler(JSON.parse(globalThis.__heraldInput));
  if (result !== null && typeof result === 'object' && typeof result.then === 'function') {
    throw new TypeError('handler must return the webhook object itself: async handlers and promises are not supported');
  }
  return JSON.stringify(result === undefined ? null : result);
})()`;

let modulePromise: Promise<QuickJSWASMModule> | null = null;
let loadedModule: QuickJSWASMModule | null = null;

/**
 * The WebAssembly module, loaded on first use (a few ms), so a Herald whose endpoints have no
 * transformation never loads it. One per thread: delivery threads each load their own.
 */
export function loadSandbox(): Promise<QuickJSWASMModule> {
  modulePromise ??= newQuickJSWASMModule().then((m) => {
    // One run unlimited in time first: the first evaluation in a fresh module (WebAssembly code
    // compiled on first use) took over 50 ms, which would fail a user's first attempt for nothing.
    checkInSandbox(m, 'function handler(webhook) { return JSON.parse(JSON.stringify(webhook)); }', Infinity);
    return (loadedModule = m);
  });
  // A load that failed is tried again by the next call, rather than failing every call after it.
  const loading = modulePromise;
  loading.catch(() => {
    if (modulePromise === loading) modulePromise = null;
  });
  return modulePromise;
}

/** A broken module (QuickJS aborted) is replaced: the next call loads a fresh instance. */
function discardModule(): void {
  modulePromise = null;
  loadedModule = null;
  runtimes.clear();
}

/**
 * One runtime per transformation source (the endpoint's revision), a fresh context per call: a
 * context costs ~0.25 ms and holds every global the code could leave behind, so one delivery
 * cannot see another's state; the runtime only holds the memory accounting. A runtime whose call
 * ran over a limit is thrown away, in case QuickJS left it in a half-collected state.
 */
const runtimes = new Map<string, QuickJSRuntime>();
const MAX_RUNTIMES = 64;

function runtimeFor(module: QuickJSWASMModule, source: string): QuickJSRuntime {
  let runtime = runtimes.get(source);
  if (runtime) return runtime;
  if (runtimes.size >= MAX_RUNTIMES) {
    const [oldest, oldRuntime] = runtimes.entries().next().value as [string, QuickJSRuntime];
    runtimes.delete(oldest);
    safeDispose(oldRuntime);
  }
  runtime = module.newRuntime();
  runtime.setMemoryLimit(MEMORY_LIMIT_BYTES);
  runtime.setMaxStackSize(MAX_STACK_BYTES);
  runtimes.set(source, runtime);
  return runtime;
}

function safeDispose(thing: { dispose(): void; alive?: boolean }): boolean {
  try {
    if (thing.alive !== false) thing.dispose();
    return true;
  } catch {
    return false;
  }
}

function forgetRuntime(source: string, runtime: QuickJSRuntime): void {
  if (runtimes.get(source) === runtime) runtimes.delete(source);
  if (!safeDispose(runtime)) discardModule();
}

interface ErrorDump {
  name?: string;
  message?: string;
  stack?: string;
  lineNumber?: number;
}

/** `InternalError: interrupted` and friends, said the way a person fixing the code needs to hear it. */
function describeError(dump: unknown): TransformationError {
  if (dump === null || typeof dump !== 'object') return new TransformationError(`threw ${JSON.stringify(dump)?.slice(0, 200) ?? 'undefined'}`);
  const e = dump as ErrorDump;
  const where = new RegExp(`${SOURCE_NAME.replace('.', '\\.')}:(\\d+):(\\d+)`).exec(e.stack ?? '');
  const line = where ? Number(where[1]) : typeof e.lineNumber === 'number' ? e.lineNumber : null;
  let column = where ? Number(where[2]) : null;
  if (line === 1 && column !== null) column = Math.max(1, column - PRELUDE_LINE.length);
  const at = line === null ? '' : ` (line ${line}${column === null ? '' : `, column ${column}`})`;
  let text: string;
  if (e.name === 'InternalError' && e.message === 'interrupted') text = `ran longer than its ${TIME_LIMIT_MS} ms time limit`;
  else if (e.name === 'InternalError' && e.message === 'stack overflow') text = 'ran out of stack (too deep a recursion)';
  else if (e.name === 'InternalError' && e.message === 'out of memory') text = `used more than its ${MEMORY_LIMIT_BYTES / 1024 / 1024} MiB memory limit`;
  else text = `${e.name ?? 'Error'}: ${String(e.message ?? '').slice(0, 500)}`;
  return new TransformationError(text + at, line, column);
}

/** A limit error: the runtime is thrown away after it. */
function overLimit(err: TransformationError): boolean {
  return /time limit|out of stack|memory limit/.test(err.message);
}

function evaluate(context: QuickJSContext, code: string, filename: string): QuickJSHandle {
  const result = context.evalCode(code, filename);
  if (result.error) {
    const dump = context.dump(result.error);
    result.error.dispose();
    throw describeError(dump);
  }
  return result.value;
}

export interface SandboxCall {
  source: string;
  /** The webhook object, as JSON text. */
  inputJson: string;
  /** The time `Date.now()` answers inside: the attempt's time. */
  now: number;
}

/**
 * Runs `handler(webhook)` once and returns what it returned, as JSON text ("null" for nothing).
 * Throws TransformationError, never anything else, whatever the code does.
 */
export function runInSandbox(module: QuickJSWASMModule, call: SandboxCall): string {
  let runtime: QuickJSRuntime;
  try {
    runtime = runtimeFor(module, call.source);
  } catch (err) {
    discardModule();
    throw new TransformationError(`the sandbox could not start: ${(err as Error).message}`);
  }
  let context: QuickJSContext | null = null;
  let failure: TransformationError | null = null;
  runtime.setInterruptHandler(NEVER);
  try {
    context = runtime.newContext({ intrinsics: INTRINSICS });
    const setGlobal = (name: string, handle: QuickJSHandle) => {
      context!.setProp(context!.global, name, handle);
      handle.dispose();
    };
    setGlobal('__heraldNow', context.newNumber(call.now));
    // The clock starts with the user's code (and the prelude, microseconds): the context is Herald's time.
    runtime.setInterruptHandler(deadlineFrom(TIME_LIMIT_MS));
    evaluate(context, PRELUDE_LINE + call.source, SOURCE_NAME).dispose();
    setGlobal('__heraldInput', context.newString(call.inputJson));
    const handle = evaluate(context, CALL, 'herald-call.js');
    const output = context.getString(handle);
    handle.dispose();
    if (output.length > MAX_OUTPUT_CHARS) {
      throw new TransformationError(`returned ${output.length} characters of JSON, more than the ${MAX_OUTPUT_CHARS} allowed`);
    }
    return output;
  } catch (err) {
    // Anything else (a RuntimeError from an aborted WebAssembly instance) means QuickJS itself is
    // broken: the module is replaced and this call fails like any other.
    failure = err instanceof TransformationError ? err : new TransformationError(`the sandbox failed: ${(err as Error).message}`);
    if (!(err instanceof TransformationError)) discardModule();
    throw failure;
  } finally {
    const disposed = context === null || safeDispose(context);
    if (!disposed) discardModule();
    else if (failure && overLimit(failure)) forgetRuntime(call.source, runtime);
  }
}

/** The module if already loaded (the delivery hot path checks this before awaiting anything). */
export function loadedSandbox(): QuickJSWASMModule | null {
  return loadedModule;
}

/**
 * Compiles and runs the source's top level in a runtime of its own (with the same limits), and
 * checks that it defines `handler`: what saving an endpoint checks. Throws TransformationError.
 */
export function checkInSandbox(module: QuickJSWASMModule, source: string, timeLimitMs = TIME_LIMIT_MS): void {
  let runtime: QuickJSRuntime | null = null;
  let context: QuickJSContext | null = null;
  try {
    runtime = module.newRuntime();
    runtime.setMemoryLimit(MEMORY_LIMIT_BYTES);
    runtime.setMaxStackSize(MAX_STACK_BYTES);
    context = runtime.newContext({ intrinsics: INTRINSICS });
    const now = context.newNumber(0);
    context.setProp(context.global, '__heraldNow', now);
    now.dispose();
    if (timeLimitMs !== Infinity) runtime.setInterruptHandler(deadlineFrom(timeLimitMs));
    evaluate(context, PRELUDE_LINE + source, SOURCE_NAME).dispose();
    const kind = evaluate(context, 'typeof handler', 'herald-check.js');
    const type = context.getString(kind);
    kind.dispose();
    if (type !== 'function') throw new TransformationError('it must define function handler(webhook) { …; return webhook; }');
  } catch (err) {
    if (err instanceof TransformationError) throw err;
    discardModule();
    throw new TransformationError(`the sandbox failed: ${(err as Error).message}`);
  } finally {
    if ((context && !safeDispose(context)) || (runtime && !safeDispose(runtime))) discardModule();
  }
}
