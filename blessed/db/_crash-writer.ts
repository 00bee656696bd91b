/**
 * Child process of crash.test.ts: opens PGlite on the data directory given as the first argument
 * and inserts rows until it is killed, printing each id only after its insert committed.
 */
import type { Logger } from '../logger/_types.js';
import { defineTable, openDatabase } from './index.js';

const silent: Logger = {
  level: 'silent',
  fatal: () => undefined,
  error: () => undefined,
  warn: () => undefined,
  info: () => undefined,
  debug: () => undefined,
  trace: () => undefined,
  child: () => silent,
};

const notes = defineTable({
  name: 'notes',
  columns: { id: { type: 'uuid', generated: true }, title: { type: 'text' }, body: { type: 'text' } },
});

const [dataDir, migrationsDir] = process.argv.slice(2);
if (dataDir === undefined || migrationsDir === undefined) throw new TypeError('usage: _crash-writer.ts DATA_DIR MIGRATIONS_DIR');

const db = await openDatabase({ dataDir, migrationsDir, logger: silent });
const table = db.forTenant('crash-tenant').table(notes);
const body = 'x'.repeat(8192);
for (let i = 0; ; i += 1) {
  const note = await table.insert({ title: `row ${i}`, body });
  process.stdout.write(`${note.id}\n`);
}
