import { z } from 'zod';

type Result = z.ZodSafeParseResult<unknown>;
export type Parser = (input: unknown) => Result | Promise<Result>;

/**
 * `schema.safeParse`, falling back for good to `safeParseAsync` the first time the schema turns
 * out to need it (an async refinement or transform: zod 4 then throws `$ZodAsyncError`). The
 * async parse costs a promise per check and nested awaits for nothing on a synchronous schema.
 * With the one-loop security headers (src/app.ts): POST /items 581 -> 566 µs of server CPU per
 * request (interleaved with the hand-written server, median of 5 runs).
 *
 * A schema with async parts is parsed synchronously once, up to its first async part, before the
 * fallback: side effects in transforms before that point run twice on that one input.
 */
export function createParser(schema: z.ZodType): Parser {
  let needsAsync = false;
  return function parse(input) {
    if (!needsAsync) {
      try {
        return schema.safeParse(input);
      } catch (err) {
        if (!(err instanceof z.core.$ZodAsyncError)) throw err;
        needsAsync = true;
      }
    }
    return schema.safeParseAsync(input);
  };
}
