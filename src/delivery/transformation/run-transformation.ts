import type { RenderedRequest, SignatureConfig } from '../../wire/index.js';
import type * as Sandbox from './sandbox.js';
import { transformedRequest, webhookInput, type TransformResult } from './transform-request.js';

/**
 * The sandbox's code, imported on first use: a Herald none of whose endpoints has a transformation
 * never loads quickjs-emscripten (its import alone took 20-50 ms and 4 MB).
 */
let sandboxCode: typeof Sandbox | null = null;

export interface TransformationCall {
  /** The endpoint's `transformation` source. */
  source: string;
  /** The request as drafted for this attempt, before signing. */
  draft: RenderedRequest;
  eventType: string;
  signature: SignatureConfig;
  /** The attempt's time in ms: what `Date.now()` answers inside. */
  now: number;
}

/**
 * Runs an endpoint's transformation over a drafted request: the request to sign and send, or a
 * cancel. Throws TransformationError when the code fails (the attempt fails with its message).
 * The sandbox loads on the first call only: endpoints without a transformation never get here.
 */
export async function runTransformation(call: TransformationCall): Promise<TransformResult> {
  const { loadedSandbox, loadSandbox, runInSandbox } = sandboxCode ?? (sandboxCode = await import('./sandbox.js'));
  const sandbox = loadedSandbox() ?? (await loadSandbox());
  const { input, payloadJson } = webhookInput(call.draft, call.eventType);
  const output = runInSandbox(sandbox, { source: call.source, inputJson: JSON.stringify(input), now: call.now });
  return transformedRequest(output, call.draft, payloadJson, call.signature);
}
