import type { Logger, LogFn, LogLevel } from '../logger/_types.js';

export interface RecordedLog {
  readonly level: LogLevel;
  readonly msg: string | undefined;
  readonly fields: Record<string, unknown>;
}

export interface RecordingLogger extends Logger {
  readonly events: RecordedLog[];
}

/**
 * A Logger that records exactly what it is handed, before any redaction a real logger would
 * apply: a module under test must not pass secrets at all, so its test must not lean on a censor.
 *
 * @example
 * const logger = createRecordingLogger();
 * await client.get('/x', { schema: null }).catch(() => {});
 * expect(logger.events[0]?.fields.code).toBe('ERR_HTTP_TIMEOUT');
 */
export function createRecordingLogger(events: RecordedLog[] = [], bindings: Record<string, unknown> = {}): RecordingLogger {
  function at(level: LogLevel): LogFn {
    return function record(first: unknown, second?: unknown): void {
      const msg = typeof first === 'string' ? first : typeof second === 'string' ? second : undefined;
      const fields = typeof first === 'object' && first !== null ? { ...bindings, ...(first as Record<string, unknown>) } : { ...bindings };
      events.push({ level, msg, fields });
    };
  }
  return {
    events,
    level: 'trace',
    fatal: at('fatal'),
    error: at('error'),
    warn: at('warn'),
    info: at('info'),
    debug: at('debug'),
    trace: at('trace'),
    child: (more) => createRecordingLogger(events, { ...bindings, ...more }),
  };
}
