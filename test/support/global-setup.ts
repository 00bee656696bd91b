import { prepareInitialData } from '../../blessed/db/_initial-data.js';

/** Set for the processes this run starts, so a test that runs vitest again reuses the same file. */
const PREPARED = 'GOLDEN_PATH_TEST_INITIAL_DATA';

/**
 * Runs initdb once per test run, before any test file, and saves the cluster every test database
 * then loads instead of running initdb itself. Made fresh each run, so a fresh clone and a warm
 * machine measure the same thing.
 */
export default async function setup(): Promise<void> {
  if (process.env[PREPARED] !== undefined) return;
  process.env[PREPARED] = await prepareInitialData();
}
