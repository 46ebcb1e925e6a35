import { ApiError } from '../errors/api-errors.js';
import type * as Sandbox from '../delivery/transformation/sandbox.js';
import { TransformationError } from '../delivery/transformation/transformation-error.js';

/** Imported on first use (see run-transformation.ts): saving an endpoint without code never loads it. */
let sandboxCode: typeof Sandbox | null = null;

/** Longer is refused: a transformation is a small function, and each attempt parses it again. */
export const MAX_TRANSFORMATION_CHARS = 32 * 1024;

const wanted = (source: unknown): source is string => typeof source === 'string' && source.trim() !== '';

/**
 * Loads the sandbox before a body with a transformation is applied, so the check itself
 * (applyEndpointSettings, synchronous) can run; a body without one never loads it.
 */
export async function prepareTransformationCheck(body: { transformation?: string | null }): Promise<void> {
  if (!wanted(body.transformation)) return;
  sandboxCode ??= await import('../delivery/transformation/sandbox.js');
  await sandboxCode.loadSandbox();
}

/**
 * The transformation to store: null for none ("" or only spaces), else one that compiles and
 * defines `handler`, within the size limit. Refused with invalid_transformation and where.
 */
export function checkedTransformation(source: string | null): string | null {
  if (!wanted(source)) return null;
  if (source.length > MAX_TRANSFORMATION_CHARS) {
    throw new ApiError('invalid_transformation', `transformation: ${source.length} characters, more than the ${MAX_TRANSFORMATION_CHARS} allowed`);
  }
  const sandbox = sandboxCode?.loadedSandbox();
  if (!sandboxCode || !sandbox) throw new Error('the transformation sandbox is not loaded: call prepareTransformationCheck first');
  try {
    sandboxCode.checkInSandbox(sandbox, source);
  } catch (err) {
    if (!(err instanceof TransformationError)) throw err;
    const error = new ApiError('invalid_transformation', `transformation: ${err.message}`);
    error.fields = { line: err.line, column: err.column };
    throw error;
  }
  return source;
}
