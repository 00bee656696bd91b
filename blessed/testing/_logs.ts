import { Writable } from 'node:stream';

/** Everything a logger wrote, kept in memory so a test can read it back as JSON lines or text. */
export interface LogCapture {
  /** Give this to the logger as its destination. */
  readonly stream: NodeJS.WritableStream;
  /** One object per line; a line that is not JSON comes back as `{ unparsed: line }`. */
  lines(): Record<string, unknown>[];
  /** Everything written so far, exactly as written. */
  text(): string;
  clear(): void;
}

function parseLine(line: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(line);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // A logger that writes non-JSON is itself worth seeing in a failing assertion.
  }
  return { unparsed: line };
}

/**
 * An in-memory log sink. Writes complete synchronously, so a log line written while a request
 * is handled is readable as soon as the response arrives.
 *
 * @example
 * const logs = createLogCapture();
 * const logger = createLogger({ level: 'trace', destination: logs.stream });
 * logger.info({ code: 'X' }, 'hello');
 * logs.lines()[0]?.['code']; // 'X'
 */
export function createLogCapture(): LogCapture {
  let chunks: string[] = [];
  const stream = new Writable({
    decodeStrings: false,
    write(chunk: unknown, _encoding, callback) {
      chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
      callback();
    },
  });
  return {
    stream,
    text() {
      return chunks.join('');
    },
    lines() {
      return chunks
        .join('')
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map(parseLine);
    },
    clear() {
      chunks = [];
    },
  };
}
