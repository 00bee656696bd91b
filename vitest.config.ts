import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['blessed/**/*.test.ts', 'test/**/*.test.ts', 'generators/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/fixtures/**'],
    environment: 'node',
    // A generator run also renders openapi.json in a child process: generous on a busy two-core machine.
    testTimeout: 45_000,
    hookTimeout: 60_000,
    // Generator end-to-end tests copy the project and spawn processes; two cores are all we have.
    pool: 'forks',
  },
});
