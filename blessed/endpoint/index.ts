export { defineEndpoint, isEndpoint, pathParams, HTTP_METHODS } from './_define.js';
export type {
  Access,
  Endpoint,
  HandlerContext,
  HttpMethod,
  Invocation,
  ProtectedDefinition,
  PublicDefinition,
  SuccessStatus,
} from './_define.js';
export { checkRegistry, mountEndpoints } from './_mount.js';
export type { MountOptions } from './_mount.js';
