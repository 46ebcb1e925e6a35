/**
 * Herald's wire layer: what goes over the wire for a message and endpoint (body, URL, headers,
 * signatures), and the receiver-side verification of the same. Pure apart from randomness in
 * generateSecret and the clock default in verifySignature. Reference for receivers: the wire format document in docs/.
 */
export type {
  HttpMethod,
  PayloadFormat,
  RenderedRequest,
  SignatureConfig,
  SignatureSchemeName,
  WireEndpoint,
  WireEntity,
  WireMessage,
} from './types.js';
export { PAYLOAD_FORMATS, SIGNATURE_SCHEMES } from './types.js';

export { formatAccepts, renderBody } from './payload.js';
export { renderUrl } from './url.js';
export { signatureHeaders, type SignContext } from './signer.js';
export { draftRequest, renderRequest, signRequest, type RenderOptions } from './request.js';

export { validateWireConfig, type WireConfig } from './config-validation.js';
export { generateSecret, validateSecret } from './secrets.js';
export { isReservedHeader } from './reserved-headers.js';
export { defaultSignatureHeader, SCHEME_PRESETS, type SchemeDefinition } from './scheme-presets.js';

export { WebhookVerificationError } from './errors.js';
export { verifySignature, type ReceivedRequest, type VerifyOptions } from './verify.js';
