/**
 * A transformation's code failed (threw, ran over a limit, returned something unusable). In a file
 * of its own so that code paths which only check for it do not load the sandbox (quickjs-emscripten).
 */
export class TransformationError extends Error {
  constructor(message: string, readonly line: number | null = null, readonly column: number | null = null) {
    super(message);
    this.name = 'TransformationError';
  }
}
