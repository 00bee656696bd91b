import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isReservedOrPrototypeKey } from './names.js';

export const MAX_PATH_LENGTH = 200;
export const MAX_SEGMENTS = 12;
const LITERAL = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const PARAM = /^:[a-z][A-Za-z0-9]{0,31}$/;

/**
 * Why `path` is not a route path a generator accepts, or undefined. Stricter than the rule
 * `defineEndpoint` applies: besides the shape, each failure names the specific trap.
 */
export function routePathProblem(path: string): string | undefined {
  if (path.startsWith('-')) return 'must not start with a dash';
  if (path.length > MAX_PATH_LENGTH) return `must be at most ${MAX_PATH_LENGTH} characters`;
  if (!path.startsWith('/')) return 'must start with /';
  if (path === '/') return undefined;
  if (/[^\x20-\x7e]/.test(path)) return 'must be ASCII without control characters';
  if (path.includes('%')) return 'must not contain encoded characters (%)';
  if (/[*?()[\]{}+|^$\\]/.test(path)) return 'must not contain regex, wildcard or optional-parameter syntax';
  const segments = path.slice(1).split('/');
  if (segments.some((s) => s === '')) return 'must not contain empty segments (// or a trailing /)';
  if (segments.some((s) => s === '..' || s === '.')) return 'must not contain . or .. segments';
  if (segments.length > MAX_SEGMENTS) return `must have at most ${MAX_SEGMENTS} segments`;
  const params = new Set<string>();
  for (const segment of segments) {
    if (segment.startsWith(':')) {
      if (!PARAM.test(segment)) return 'must name each :param with a letter, then letters and digits (at most 32)';
      const name = segment.slice(1);
      if (isReservedOrPrototypeKey(name)) return 'must not use a reserved or prototype-sensitive :param name';
      if (params.has(name)) return 'must not repeat a :param name';
      params.add(name);
    } else if (!LITERAL.test(segment)) {
      return 'must be lowercase segments (a-z, 0-9, single dashes) and :params only';
    }
  }
  return undefined;
}

export interface KnownRoute {
  readonly method: string;
  readonly path: string;
  /** Project-relative file that defines it. */
  readonly file: string;
}

// Cheap on purpose: endpoint files are generated in one shape, and a route written by hand in
// another shape is still caught when the app builds its registry.
const ROUTE_IN_SOURCE = /method:\s*['"]([A-Z]+)['"][\s\S]{0,400}?path:\s*['"]([^'"]*)['"]/g;

/** Routes defined in `src/endpoints/*.ts`, read as text (no TypeScript needed). */
export async function knownRoutes(root: string): Promise<KnownRoute[]> {
  const dir = join(root, 'src', 'endpoints');
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.ts') && !n.endsWith('.test.ts')).sort();
  } catch {
    return [];
  }
  const routes: KnownRoute[] = [];
  for (const name of names) {
    const text = await readFile(join(dir, name), 'utf8');
    for (const match of text.matchAll(ROUTE_IN_SOURCE)) {
      routes.push({ method: match[1] ?? '', path: match[2] ?? '', file: `src/endpoints/${name}` });
    }
  }
  return routes;
}

/** True when some request path would match both routes (parameter names do not matter). */
export function routesOverlap(a: string, b: string): boolean {
  const left = a.split('/');
  const right = b.split('/');
  if (left.length !== right.length) return false;
  return left.every((segment, i) => {
    const other = right[i] ?? '';
    return segment.startsWith(':') || other.startsWith(':') || segment === other;
  });
}

/** The first existing route of the same method that duplicates, shadows or is shadowed by `path`. */
export function findOverlap(method: string, path: string, routes: readonly KnownRoute[]): KnownRoute | undefined {
  return routes.find((route) => route.method === method && routesOverlap(route.path, path));
}
