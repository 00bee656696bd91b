import type { Express } from 'express';

interface Layer {
  readonly route?: { readonly path: string | string[]; readonly methods: Record<string, boolean> };
  readonly handle?: { readonly stack?: readonly Layer[] };
  readonly slash?: boolean;
  readonly rawPath?: unknown;
}

/**
 * What Express can actually reach: `GET /notes/:noteId` for each route, `* /path` for a route
 * that answers every method, and `USE /path` for a router or middleware mounted under a path.
 * Middleware mounted at the root (logging, headers, the 404 handler) serves no path of its own.
 */
export function reachableRoutes(app: Express): string[] {
  const found = new Set<string>();
  function visit(stack: readonly Layer[]): void {
    for (const layer of stack) {
      if (layer.route !== undefined) {
        const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
        for (const path of paths) {
          for (const [method, on] of Object.entries(layer.route.methods)) {
            if (on) found.add(`${method === '_all' ? '*' : method.toUpperCase()} ${path}`);
          }
        }
      } else if (layer.slash !== true) {
        found.add(`USE ${String(layer.rawPath)}`);
      } else if (layer.handle?.stack !== undefined) {
        visit(layer.handle.stack);
      }
    }
  }
  visit((app as unknown as { router: { stack: readonly Layer[] } }).router.stack);
  return [...found].sort();
}

/** The operations an OpenAPI document declares, in the same notation, plus `* path` for each path. */
export function documentedRoutes(document: { paths?: Record<string, Record<string, unknown>> }): string[] {
  const found = new Set<string>();
  for (const [path, operations] of Object.entries(document.paths ?? {})) {
    const express = path.replace(/\{([^}]+)\}/g, ':$1');
    // The registry answers other methods on a documented path with 405 (a route for every method).
    found.add(`* ${express}`);
    for (const method of Object.keys(operations)) found.add(`${method.toUpperCase()} ${express}`);
  }
  return [...found].sort();
}
