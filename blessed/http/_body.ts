import { pipeline } from 'node:stream';
import type { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { Transform } from 'node:stream';
import type { ZodType } from 'zod';
import { HttpError } from './_errors.js';
import type { HttpCallContext } from './_errors.js';
import { describePath } from './_paths.js';

type HeaderValue = string | string[] | undefined;

function single(value: HeaderValue): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** `application/json` or any `+json` type, in UTF-8 (the only charset JSON allows on the wire). */
export function isJsonContentType(value: HeaderValue): boolean {
  const [media = '', ...params] = (single(value) ?? '').split(';').map((part) => part.trim().toLowerCase());
  if (!/^application\/(?:[a-z0-9.!#$&^_-]+\+)?json$/.test(media)) return false;
  const charset = params
    .find((p) => p.startsWith('charset='))
    ?.slice('charset='.length)
    .replaceAll('"', '');
  return charset === undefined || charset === 'utf-8' || charset === 'utf8';
}

function decoderFor(encoding: HeaderValue, context: HttpCallContext): Transform | undefined {
  const codings = (single(encoding) ?? '')
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '' && c !== 'identity');
  if (codings.length === 0) return undefined;
  if (codings.length > 1) throw new HttpError('ERR_HTTP_CONTRACT', 'Stacked content encodings refused', context);
  switch (codings[0]) {
    case 'gzip':
    case 'x-gzip':
      return createGunzip();
    case 'deflate':
      return createInflate();
    case 'br':
      return createBrotliDecompress();
    default:
      throw new HttpError('ERR_HTTP_CONTRACT', 'Unsupported content encoding', context);
  }
}

/** zlib and brotli failures carry these codes; anything else is the transport's. */
function isDecodeError(err: unknown): boolean {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' && /^(?:Z_|ERR__|ERR_BROTLI)/.test(code);
}

/** Destroys a stream we are walking away from; the error it then emits has no one to tell. */
export function abandon(stream: Readable): void {
  stream.on('error', function ignored() {});
  stream.destroy();
}

function tooLarge(maxBytes: number, context: HttpCallContext): HttpError {
  return new HttpError('ERR_HTTP_RESPONSE_TOO_LARGE', `Response body exceeds ${maxBytes} bytes`, context);
}

/**
 * Reads the body, decompressing it here so the cap counts DECODED bytes: a 50 KB gzip body can
 * inflate to 50 MB, and a limit on the wire size would let it through. The read stops (and the
 * streams are destroyed) as soon as the cap is passed. Transport errors are rethrown untouched.
 */
export async function readBody(body: Readable, headers: Readonly<Record<string, HeaderValue>>, maxBytes: number, context: HttpCallContext): Promise<Buffer> {
  let decoder: Transform | undefined;
  try {
    decoder = decoderFor(headers['content-encoding'], context);
  } catch (err) {
    abandon(body);
    throw err;
  }
  const declared = Number(single(headers['content-length']));
  if (decoder === undefined && Number.isFinite(declared) && declared > maxBytes) {
    abandon(body);
    throw tooLarge(maxBytes, context);
  }
  const stream: Readable = decoder === undefined ? body : pipeline(body, decoder, function settled() {});
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > maxBytes) throw tooLarge(maxBytes, context);
      chunks.push(chunk);
    }
  } catch (err) {
    abandon(stream);
    abandon(body);
    if (isDecodeError(err)) {
      throw new HttpError('ERR_HTTP_CONTRACT', 'Response body could not be decoded', context);
    }
    throw err;
  }
  return Buffer.concat(chunks, total);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Parses JSON and validates it. Errors name only the failing paths, through keys the schema
 * declares: a parser's message quotes the body, a schema message can quote values, and object keys
 * are the upstream's choice too; none of them may reach our logs or clients.
 */
export function parseAndValidate(bytes: Buffer, schema: ZodType, context: HttpCallContext): unknown {
  let value: unknown;
  try {
    value = JSON.parse(utf8.decode(bytes));
  } catch {
    throw new HttpError('ERR_HTTP_CONTRACT', 'Response body is not valid JSON', context);
  }
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const paths = [...new Set(result.error.issues.map((issue) => describePath(schema, issue.path)))];
  const shown = paths.slice(0, 5).join(', ') + (paths.length > 5 ? ', …' : '');
  throw new HttpError('ERR_HTTP_CONTRACT', `Response does not match the schema at ${shown}`, context);
}
