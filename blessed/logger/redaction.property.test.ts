import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createLogCapture } from '../testing/index.js';
import { createLogger } from './index.js';

function capture() {
  const sink = createLogCapture();
  return { logger: createLogger({ destination: sink.stream, level: 'trace' }), raw: () => sink.text() };
}

// Secret keys as people actually spell them; casing and separators are varied on top.
const SECRET_WORDS = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'password',
  'token',
  'secret',
  'api key',
  'client secret',
  'private key',
  'apiKey',
  'api_key',
  'clientSecret',
  'client_secret',
  'privateKey',
  'accessToken',
  'refresh_token',
  'passwd',
  'pwd',
  'dbPassword',
  'x-auth-token',
  'webhookSecret',
  'sessionCookie',
];
const SAFE_WORDS = ['id', 'name', 'items', 'data', 'meta', 'value', 'count', 'list', 'child', 'status', 'region', 'note'];

const secretKey = fc
  .tuple(fc.constantFrom(...SECRET_WORDS), fc.array(fc.boolean(), { minLength: 24, maxLength: 24 }), fc.constantFrom(' ', '-', '_', ''))
  .map(([word, upper, separator]) =>
    [...word]
      .map((ch, i) => (upper[i] ? ch.toUpperCase() : ch.toLowerCase()))
      .join('')
      .replace(/[-_ ]/g, separator),
  );

type Shape = { kind: 'leaf' } | { kind: 'array'; items: Shape[] } | { kind: 'object'; entries: [string, boolean, Shape][] };

// A tree of objects and arrays; each object entry says whether its key is a secret one.
const shape = fc.letrec<{ node: Shape }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', maxDepth: 5 },
    fc.constant<Shape>({ kind: 'leaf' }),
    fc.array(tie('node'), { maxLength: 3 }).map((items): Shape => ({ kind: 'array', items })),
    fc
      .array(fc.oneof(fc.tuple(secretKey, fc.constant(true), tie('node')), fc.tuple(fc.constantFrom(...SAFE_WORDS), fc.constant(false), tie('node'))), {
        maxLength: 4,
      })
      .map((entries): Shape => ({ kind: 'object', entries })),
  ),
})).node;

/** Fills the leaves with unique markers, remembering which sit below a secret key. */
function materialise(root: Shape) {
  const hidden: string[] = [];
  const kept: string[] = [];
  let counter = 0;
  function build(node: Shape, underSecret: boolean): unknown {
    if (node.kind === 'leaf') {
      counter += 1;
      const marker = `zq${underSecret ? 'h' : 'k'}${counter}zq`;
      (underSecret ? hidden : kept).push(marker);
      return marker;
    }
    if (node.kind === 'array') return node.items.map((item) => build(item, underSecret));
    const out: Record<string, unknown> = {};
    for (const [key, isSecret, value] of node.entries) {
      // A duplicate key would overwrite an earlier value and lose its marker; skip it.
      if (Object.hasOwn(out, key)) continue;
      out[key] = build(value, underSecret || isSecret);
    }
    return out;
  }
  const value = build(root, false);
  return { value, hidden, kept };
}

describe('redaction properties', () => {
  it('never writes a value under a secret key, and keeps every other value', () => {
    fc.assert(
      fc.property(shape, fc.constantFrom(...SAFE_WORDS), (root, wrapperKey) => {
        const { value, hidden, kept } = materialise(root);
        const { logger, raw } = capture();
        logger.info({ [wrapperKey]: value }, 'merge object');
        logger.child({ bound: value }).info('child bindings');
        logger.error({ err: Object.assign(new Error('with properties'), { details: value }) });
        const text = raw();
        for (const marker of hidden) expect(text).not.toContain(marker);
        for (const marker of kept) expect(text).toContain(marker);
      }),
      { numRuns: 200 },
    );
  });

  const randomPart = fc.stringMatching(/^[A-Z0-9._~+-]{12,32}$/).filter((s) => /[A-Z]/.test(s) && /[0-9]/.test(s));
  const segment = fc.stringMatching(/^[A-Z0-9_-]{10,30}$/).filter((s) => /[A-Z]/.test(s));
  const filler = fc.stringMatching(/^[a-z ]{0,20}$/);

  // Each case returns the text with the secret embedded and the parts that must not appear.
  const embedded = fc.oneof(
    randomPart.map((s) => ({ text: `Bearer ${s}`, parts: [s] })),
    randomPart.map((s) => ({ text: `basic ${s}`, parts: [s] })),
    fc.tuple(segment, segment, segment).map(([a, b, c]) => ({ text: `eyJ${a}.${b}.${c}`, parts: [a, b, c] })),
    fc
      .tuple(
        fc.constantFrom('password', 'token', 'secret', 'api_key', 'access_token', 'client_secret', 'Password'),
        fc.constantFrom('=', ': ', ':'),
        randomPart,
      )
      .map(([key, sep, s]) => ({ text: `${key}${sep}${s}`, parts: [s] })),
    randomPart.map((s) => ({ text: `https://svc:${s}@api.example`, parts: [s] })),
  );

  it('never writes the random part of a token-shaped string, wherever it is logged', () => {
    fc.assert(
      fc.property(embedded, filler, filler, fc.nat(5), ({ text, parts }, before, after, where) => {
        const line = `${before} ${text} ${after}`;
        const { logger, raw } = capture();
        switch (where) {
          case 0:
            logger.info(line);
            break;
          case 1:
            logger.warn('upstream said %s', line);
            break;
          case 2:
            logger.info('payload %o then %j', { note: line }, { note: line });
            break;
          case 3:
            logger.error({ err: new Error(line) }, 'failed');
            break;
          case 4: {
            const err = new Error('generic');
            err.stack = `Error: generic\n    at handler (${line})`;
            logger.error({ err });
            break;
          }
          default:
            logger.error({ err: new Error('outer', { cause: new AggregateError([new Error(line)], 'inner') }) });
        }
        const output = raw();
        expect(output).toContain('[REDACTED');
        for (const part of parts) expect(output).not.toContain(part);
      }),
      { numRuns: 300 },
    );
  });
});
