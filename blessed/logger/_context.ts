import type { Logger } from './_types.js';

export interface RequestContext {
  readonly requestId: string;
  readonly log: Logger;
}

// A WeakMap rather than properties on `req`: nothing downstream can overwrite the request id or
// swap the logger by assigning to the request object.
const contexts = new WeakMap<object, RequestContext>();

export function setRequestContext(req: object, context: RequestContext): void {
  contexts.set(req, context);
}

export function getRequestContext(req: object): RequestContext | undefined {
  return contexts.get(req);
}
