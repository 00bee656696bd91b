import { AssertionError } from 'node:assert';

export interface ProblemResponse {
  readonly status: number;
  readonly headers: Record<string, unknown>;
  readonly body: unknown;
}

const PROBLEM_TYPE = /^application\/problem\+json\s*(;|$)/i;

function fail(message: string, res: ProblemResponse): never {
  throw new AssertionError({ message: `Expected a problem+json response: ${message}`, actual: res.status });
}

function requireString(body: Record<string, unknown>, field: string, res: ProblemResponse): void {
  const value = body[field];
  if (typeof value !== 'string' || value === '') fail(`"${field}" must be a non-empty string, got ${typeof value}`, res);
}

/**
 * Asserts an RFC 9457 problem response with the expected status: the problem+json content type
 * and the `type`, `title`, `status` and `requestId` members; a 401 must also challenge for Bearer.
 *
 * @example
 * const res = await kit.request().get('/orders');
 * expectProblem(res, 401);
 */
export function expectProblem(res: ProblemResponse, status: number): void {
  if (res.status !== status) fail(`status ${res.status}, expected ${status}`, res);
  const contentType = res.headers['content-type'];
  if (typeof contentType !== 'string' || !PROBLEM_TYPE.test(contentType)) {
    fail(`content type ${typeof contentType === 'string' ? contentType : 'missing'}`, res);
  }
  const body = res.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) fail('body is not a JSON object', res);
  const problem = body as Record<string, unknown>;
  requireString(problem, 'type', res);
  requireString(problem, 'title', res);
  requireString(problem, 'requestId', res);
  if (problem['status'] !== status) fail(`body "status" is ${String(problem['status'])}, expected ${status}`, res);
  if (status === 401) {
    const challenge = res.headers['www-authenticate'];
    if (typeof challenge !== 'string' || !/^Bearer\b/i.test(challenge)) fail('a 401 must carry "WWW-Authenticate: Bearer"', res);
  }
}
