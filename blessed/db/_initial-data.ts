import { readFileSync } from 'node:fs';
import { access, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { Logger } from '../logger/_types.js';

/**
 * `PGlite.create()` runs initdb whenever its data directory is empty: 6.2–8.2 s of CPU here
 * (3.7 s wall on a quiet machine), every time, for every in-memory database and every new data
 * directory. Loading the same freshly initialised cluster from a tarball costs 1.9–2.3 s of CPU.
 * So the first initdb on a machine is kept as a tarball beside the installed packages, and every
 * later empty database starts from it. Its name carries the PGlite version: another engine
 * version never reads it.
 */
/** `<node_modules>/@electric-sql/pglite`, wherever the package manager put it. */
function pgliteRoot(): string {
  return join(dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite')), '..');
}

/** `node_modules/.cache/golden-path/`, the place build tools keep machine-local caches. */
export function initialDataPath(): string {
  const root = pgliteRoot();
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  return join(root, '..', '..', '.cache', 'golden-path', `pglite-${version}-initdb.tar`);
}

let loaded: { path: string; data: Promise<Blob> } | undefined;

/**
 * The prepared cluster as PGlite reads it (`loadDataDir.arrayBuffer()`). Node 20's own
 * `Blob.arrayBuffer()` streams the 40 MB through small chunks it concatenates: 0.3–0.4 s of CPU
 * at every database start. The bytes are already in memory, so each start gets a plain copy.
 */
class InitialDataBlob extends Blob {
  readonly #bytes: Uint8Array;

  constructor(bytes: Uint8Array) {
    super([bytes]);
    this.#bytes = bytes;
  }

  override arrayBuffer(): Promise<ArrayBuffer> {
    return Promise.resolve(this.#bytes.slice().buffer);
  }
}

/** The prepared cluster as a Blob, read once per process; undefined when none was prepared. */
export async function readInitialData(path: string = initialDataPath()): Promise<Blob | undefined> {
  if (loaded?.path === path) return loaded.data;
  try {
    const data = readFile(path).then((bytes): Blob => new InitialDataBlob(bytes));
    await data;
    loaded = { path, data };
    return data;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * Saves a just-initialised cluster as the initial data for later databases. Written to a
 * temporary name and renamed, so a process reading it never sees half a file, and processes
 * racing to write it each leave a whole one.
 */
export async function saveInitialData(pglite: PGlite, path: string = initialDataPath()): Promise<void> {
  // A checkpoint first: the files are then a consistent cluster, not one that needs recovery.
  await pglite.exec('checkpoint');
  const tarball = await pglite.dumpDataDir('none');
  await mkdir(dirname(path), { recursive: true });
  const partial = `${path}.${process.pid}.${Date.now()}.partial`;
  try {
    await writeFile(partial, new Uint8Array(await tarball.arrayBuffer()));
    await rename(partial, path);
  } finally {
    await rm(partial, { force: true });
  }
  if (loaded?.path === path) loaded = undefined;
}

/** Runs initdb once and saves the result, replacing any earlier one; resolves to its path. */
export async function prepareInitialData(path: string = initialDataPath()): Promise<string> {
  const pglite = await PGlite.create();
  try {
    await saveInitialData(pglite, path);
  } finally {
    await pglite.close();
  }
  return path;
}

/**
 * Postgres zeroes its shared buffers at every start: with the default 128MB that is a third of
 * opening an existing data directory (1.84 s of CPU here, 1.30 s with 32MB, median of 3). An
 * embedded single-process database reads through the OS page cache anyway.
 */
const START_PARAMS = [...PGlite.defaultStartParams, '-c', 'shared_buffers=32MB'];

async function holdsCluster(dataDir: string): Promise<boolean> {
  try {
    await access(join(dataDir, 'PG_VERSION'));
    return true;
  } catch {
    return false;
  }
}

/**
 * Opens PGlite in memory (`dataDir` undefined) or on a data directory. An empty database starts
 * from the prepared initial data when there is one; otherwise initdb runs and its result is
 * saved for the next time (best effort: a read-only install just pays initdb again).
 */
export async function createPglite(dataDir: string | undefined, logger: Logger, path: string = initialDataPath()): Promise<PGlite> {
  if (dataDir !== undefined) {
    await mkdir(dataDir, { recursive: true });
    if (await holdsCluster(dataDir)) return PGlite.create({ dataDir, startParams: START_PARAMS });
  }
  const where = dataDir === undefined ? {} : { dataDir };
  const initial = await readInitialData(path);
  if (initial !== undefined) return PGlite.create({ ...where, loadDataDir: initial, startParams: START_PARAMS });
  const pglite = await PGlite.create({ ...where, startParams: START_PARAMS });
  try {
    await saveInitialData(pglite, path);
    logger.debug({ path }, 'saved the initialised database for later starts');
  } catch (err) {
    logger.debug({ err, path }, 'could not save the initialised database; later starts run initdb again');
  }
  return pglite;
}
