import { defineConfig } from 'vitest/config';
import SlowestFirstSequencer from './test/support/sequencer.js';

export default defineConfig({
  test: {
    include: ['blessed/**/*.test.ts', 'test/**/*.test.ts', 'generators/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/fixtures/**'],
    environment: 'node',
    // One initdb per run instead of one per test database (see blessed/db/_initial-data.ts).
    globalSetup: ['test/support/global-setup.ts'],
    // A generator run also renders openapi.json in a child process: generous on a busy two-core machine.
    testTimeout: 45_000,
    hookTimeout: 60_000,
    // Generator end-to-end tests copy the project and spawn processes; two cores are all we have.
    pool: 'forks',
    // vitest's default in a run is one worker fewer than the cores: one worker on two cores, with
    // the other core idle whenever no test has a child process running.
    maxWorkers: 2,
    // Test files in a worker share its module cache: each file used to import express, kysely,
    // zod and compile PGlite's WebAssembly again, half the CPU of the blessed tests. Nothing here
    // mocks modules; a test that changes process-wide state puts it back.
    isolate: false,
    // A fresh clone has no duration cache: the known-slow files start first (see the sequencer).
    sequence: { sequencer: SlowestFirstSequencer },
  },
});
