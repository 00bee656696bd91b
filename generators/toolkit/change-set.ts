import { readFile } from 'node:fs/promises';
import { CLIError } from '../cli/errors.js';
import type { Formatter } from './format.js';
import type { DocumentedEndpoint } from '../inventory/openapi.js';
import { resolveTarget } from './paths.js';

export type ChangeKind = 'create' | 'modify' | 'unchanged';

export interface PlannedChange {
  readonly kind: ChangeKind;
  /** Project-relative, `/`-separated. */
  readonly path: string;
  /** Where the commit writes, already resolved inside the project. */
  readonly absolute: string;
  /** The file's bytes when it was planned; null for a new file. */
  readonly original: Buffer | null;
  readonly before: string | null;
  readonly after: string;
}

async function readIfExists(path: string): Promise<Buffer | null> {
  try {
    return await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/**
 * The in-memory plan of a generator run: nothing touches the disk until `commit` takes the
 * list. Later steps see earlier planned content, so two edits of one file compose.
 *
 * @example
 * const plan = new ChangeSet('/srv/app', { force: false });
 * await plan.create('src/endpoints/create-order.ts', text);
 * await plan.edit('src/routes.ts', (before) => register(before));
 */
export class ChangeSet {
  readonly #root: string;
  readonly #force: boolean;
  readonly #changes = new Map<string, PlannedChange>();
  readonly #generated = new Set<string>();
  /** Files planned over existing content without --force: refused by `finish` unless formatting makes them equal. */
  readonly #conflicts = new Map<string, string>();
  readonly #documented = new Map<string, { readonly text: string; readonly endpoints: readonly DocumentedEndpoint[] }>();

  constructor(root: string, options: { readonly force: boolean }) {
    this.#root = root;
    this.#force = options.force;
  }

  get root(): string {
    return this.#root;
  }

  list(): readonly PlannedChange[] {
    return [...this.#changes.values()];
  }

  /** Paths planned whole by `create`: the files a generator owns, as opposed to ones it edits. */
  generated(): readonly string[] {
    return [...this.#generated];
  }

  /**
   * Records what a file planned whole defines, as its generator knows it from the template: the
   * inventory can then be planned without loading the file (see toolkit/inventory.ts).
   */
  document(path: string, endpoints: readonly DocumentedEndpoint[]): void {
    const planned = this.#changes.get(path);
    if (planned !== undefined) this.#documented.set(path, { text: planned.after, endpoints });
  }

  /** The endpoints recorded with `document`, for the files whose planned text is still what was recorded. */
  documented(): ReadonlyMap<string, readonly DocumentedEndpoint[]> {
    const current = [...this.#documented].filter(([path, { text }]) => this.#changes.get(path)?.after === text);
    return new Map(current.map(([path, { endpoints }]) => [path, endpoints]));
  }

  async #current(path: string): Promise<{ absolute: string; original: Buffer | null; text: string | null }> {
    const planned = this.#changes.get(path);
    if (planned !== undefined) return { absolute: planned.absolute, original: planned.original, text: planned.after };
    const absolute = await resolveTarget(this.#root, path);
    const original = await readIfExists(absolute);
    return { absolute, original, text: original === null ? null : original.toString('utf8') };
  }

  /** The text `path` will have after the changes planned so far, or null if it will not exist. */
  async read(path: string): Promise<string | null> {
    return (await this.#current(path)).text;
  }

  #record(path: string, absolute: string, original: Buffer | null, after: string): PlannedChange {
    const before = original === null ? null : original.toString('utf8');
    const kind: ChangeKind = before === null ? 'create' : before === after ? 'unchanged' : 'modify';
    const change: PlannedChange = { kind, path, absolute, original, before, after };
    this.#changes.set(path, change);
    return change;
  }

  /** Plans a new file; an existing file with other content needs `force`. */
  async create(path: string, content: string, options: { readonly flag?: string } = {}): Promise<PlannedChange> {
    const { absolute, original, text } = await this.#current(path);
    if (text !== null && text !== content && !this.#force) this.#conflicts.set(path, options.flag ?? 'force');
    else this.#conflicts.delete(path);
    this.#generated.add(path);
    return this.#record(path, absolute, original, content);
  }

  /**
   * Ends planning: formats every created or modified file with the project's formatter (so the
   * plan, its diff and the manifest's hashes are of what lands), then refuses a file that exists
   * with other content, unless --force. Until then that check waits, since the existing file is
   * formatted and the freshly rendered one not yet.
   */
  async finish(format?: Formatter): Promise<void> {
    if (format !== undefined) {
      const pending = new Map(this.list().flatMap((c) => (c.kind === 'unchanged' ? [] : ([[c.path, c.after]] as const))));
      for (const [path, text] of await format(pending)) {
        const change = this.#changes.get(path);
        if (change === undefined) continue;
        // Formatting keeps what a file defines, so what it documents still holds for the new text.
        const documented = this.#documented.get(path);
        if (documented?.text === change.after) this.#documented.set(path, { ...documented, text });
        this.#record(path, change.absolute, change.original, text);
      }
    }
    for (const [path, flag] of this.#conflicts) {
      const change = this.#changes.get(path);
      if (change !== undefined && change.before !== null && change.before !== change.after) {
        throw new CLIError(`${path} already exists with other content; pass --force to overwrite it`, { code: 'ERR_FILE_EXISTS', flag });
      }
    }
  }

  /** Plans a file only if it does not exist yet; an existing one is left as it is. */
  async ensure(path: string, content: string): Promise<PlannedChange> {
    const { absolute, original, text } = await this.#current(path);
    return this.#record(path, absolute, original, text ?? content);
  }

  /** Plans an edit of an existing file. */
  async edit(path: string, change: (before: string) => string | Promise<string>): Promise<PlannedChange> {
    const { absolute, original, text } = await this.#current(path);
    if (text === null) {
      throw new CLIError(`${path} does not exist; run the generator from the project root`, { exitCode: 1, code: 'ERR_MISSING_FILE' });
    }
    return this.#record(path, absolute, original, await change(text));
  }
}
