/** Exit codes shared by every command: 0 done, 1 the work failed, 2 bad usage or bad input. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

export interface CLIErrorOptions {
  readonly exitCode?: typeof EXIT_FAILURE | typeof EXIT_USAGE;
  /** Stable machine-readable code, e.g. `ERR_INVALID_NAME`. */
  readonly code?: string;
  /** The flag the error is about, without dashes. */
  readonly flag?: string;
  readonly cause?: unknown;
}

/** A user-facing failure: printed as one line, never with a stack. */
export class CLIError extends Error {
  readonly exitCode: typeof EXIT_FAILURE | typeof EXIT_USAGE;
  readonly code: string;
  readonly flag: string | undefined;

  constructor(message: string, options: CLIErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CLIError';
    this.exitCode = options.exitCode ?? EXIT_USAGE;
    this.code = options.code ?? (this.exitCode === EXIT_USAGE ? 'ERR_USAGE' : 'ERR_FAILED');
    this.flag = options.flag;
  }
}
