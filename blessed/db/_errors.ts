import { AppError, ConflictError, DependencyError } from '../errors/index.js';

function sqlStateOf(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/** A socket-level failure (`ECONNREFUSED`, `ETIMEDOUT`...) has a Node errno code instead. */
function errnoOf(err: unknown): string | undefined {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code) ? code : undefined;
}

function isConnectionFailure(err: unknown, state: string | undefined): boolean {
  if (state !== undefined) return state.startsWith('08') || state.startsWith('57P') || state.startsWith('53');
  return errnoOf(err) !== undefined || (err instanceof Error && /connection|terminat/i.test(err.message));
}

/**
 * Turns a driver failure into an AppError. The reason (logged, never sent) holds the SQLSTATE
 * and the SQL text with its `$n` placeholders; the driver's own message is dropped and no
 * cause is kept, because Postgres messages quote the offending values.
 */
export function toDbError(err: unknown, sqlText: string): AppError {
  if (err instanceof AppError) return err;
  const state = sqlStateOf(err);
  const where = `${state ?? errnoOf(err) ?? 'no sqlstate'} in: ${sqlText.replace(/\s+/g, ' ').slice(0, 500)}`;
  if (state === '23505') return new ConflictError({ reason: `unique violation ${where}` });
  if (state === '40001' || state === '40P01') {
    return new DependencyError(503, 'ERR_DB_RETRY', { reason: `transaction aborted (retry) ${where}` });
  }
  if (isConnectionFailure(err, state)) {
    return new DependencyError(503, 'ERR_DB_UNAVAILABLE', { reason: `database unavailable ${where}` });
  }
  return new AppError(500, 'ERR_DB_QUERY', 'Internal Server Error', {
    detail: 'An unexpected error occurred.',
    reason: `database error ${where}`,
  });
}

/** Raw SQL changed the tenant setting or role: a bug (or an attack) in the code that wrote it. */
export function tenantContextError(sqlText: string): AppError {
  return new AppError(500, 'ERR_DB_TENANT_CONTEXT', 'Internal Server Error', {
    detail: 'An unexpected error occurred.',
    reason: `raw SQL changed the tenant setting or role; refused and rolled back: ${sqlText.replace(/\s+/g, ' ').slice(0, 500)}`,
  });
}
