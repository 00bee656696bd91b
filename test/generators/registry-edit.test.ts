import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CLIError } from '../../generators/cli/errors.js';
import { addRegistryEntry, hasRegistryEntry, type RegistryEntry } from '../../generators/toolkit/ast.js';
import { nameForms, nameProblem } from '../../generators/toolkit/names.js';

const FILE = 'src/routes.ts';
const ORDER: RegistryEntry = { identifier: 'createOrder', moduleSpecifier: './endpoints/create-order.js', arrayName: 'endpoints' };

const REGISTRY = `import type { Endpoint } from '../blessed/endpoint/index.js';
import { health } from './endpoints/health.js';
import { listNotes } from './endpoints/list-notes.js';

/** The registry. */
export const endpoints: readonly Endpoint[] = [
  health,
  listNotes,
];
`;

async function failure(text: string, entry: RegistryEntry = ORDER): Promise<CLIError> {
  const err: unknown = await addRegistryEntry(text, FILE, entry).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof CLIError)) throw new Error(`expected a CLIError, got ${String(err)}`);
  return err;
}

describe('addRegistryEntry', () => {
  it('adds one import after the sibling imports and one element after the last, nothing else', async () => {
    const after = await addRegistryEntry(REGISTRY, FILE, ORDER);
    expect(after).toBe(
      REGISTRY.replace(
        "import { listNotes } from './endpoints/list-notes.js';",
        "import { listNotes } from './endpoints/list-notes.js';\nimport { createOrder } from './endpoints/create-order.js';",
      ).replace('  listNotes,\n', '  listNotes,\n  createOrder,\n'),
    );
    expect(hasRegistryEntry(after, ORDER)).toBe(true);
  });

  it('is idempotent: a second edit changes nothing', async () => {
    const once = await addRegistryEntry(REGISTRY, FILE, ORDER);
    expect(await addRegistryEntry(once, FILE, ORDER)).toBe(once);
  });

  it('registers several entries in a row, each once, in order', async () => {
    const names = ['listOrders', 'createOrder', 'getOrder', 'updateOrder', 'deleteOrder'];
    let text = REGISTRY;
    const entries = names.map((name, i) => ({ ...ORDER, identifier: name, moduleSpecifier: `./endpoints/order-${i}.js` }));
    for (const entry of entries) text = await addRegistryEntry(text, FILE, entry);
    for (const entry of entries) {
      expect(text.match(new RegExp(`\\b${entry.identifier}\\b`, 'g'))).toHaveLength(2);
      expect(hasRegistryEntry(text, entry)).toBe(true);
    }
    expect(text.indexOf('  deleteOrder,\n];')).toBeGreaterThan(text.indexOf('  listOrders,'));
  });

  it('keeps CRLF line endings, a missing trailing comma and a one-line array as they are', async () => {
    const crlf = await addRegistryEntry(REGISTRY.replace(/\n/g, '\r\n'), FILE, ORDER);
    expect(crlf.replace(/\r\n/g, '')).not.toContain('\n');
    expect(crlf).toContain('  listNotes,\r\n  createOrder,\r\n];');

    const noComma = await addRegistryEntry(REGISTRY.replace('  listNotes,\n', '  listNotes\n'), FILE, ORDER);
    expect(noComma).toContain('  listNotes,\n  createOrder,\n];');

    const oneLine = await addRegistryEntry(REGISTRY.replace('[\n  health,\n  listNotes,\n]', '[health, listNotes]'), FILE, ORDER);
    expect(oneLine).toContain('= [health, listNotes, createOrder];');
  });

  it('fills an empty array and a registry without imports', async () => {
    const empty = await addRegistryEntry('export const endpoints = [];\n', FILE, ORDER);
    expect(empty).toBe("import { createOrder } from './endpoints/create-order.js';\nexport const endpoints = [\n  createOrder,\n];\n");
  });

  it('sees through `as const`, `satisfies` and parentheses, and counts offsets past non-ASCII text', async () => {
    const text = REGISTRY.replace('/** The registry. */', '/** Régistre — 🚀 ✓ */')
      .replace('  listNotes,\n];', '  listNotes,\n]) satisfies readonly Endpoint[];')
      .replace('= [', '= ([');
    const after = await addRegistryEntry(text, FILE, ORDER);
    expect(after).toContain('  listNotes,\n  createOrder,\n]) satisfies');
    expect(after).toContain("import { listNotes } from './endpoints/list-notes.js';\nimport { createOrder } from './endpoints/create-order.js';\n");
  });

  it('adds the name to an existing import of the same module instead of a second import', async () => {
    const text = REGISTRY.replace(
      "import { listNotes } from './endpoints/list-notes.js';",
      "import { listNotes } from './endpoints/list-notes.js';\nimport { other } from './endpoints/create-order.js';",
    );
    const after = await addRegistryEntry(text, FILE, ORDER);
    expect(after.match(/create-order\.js/g)).toHaveLength(1);
    expect(after).toMatch(/import \{ other, createOrder \} from '\.\/endpoints\/create-order\.js';/);
    expect(after).toContain('  createOrder,\n];');
  });

  it('refuses a name already bound to another module, without editing', async () => {
    const err = await failure(
      REGISTRY.replace("import { health } from './endpoints/health.js';", "import { health as createOrder } from './endpoints/health.js';"),
    );
    expect(err).toMatchObject({ code: 'ERR_NAME_TAKEN', flag: 'name', exitCode: 2 });
    expect(err.message).toContain(FILE);
  });

  it('refuses a registry it cannot edit safely, naming the file and the reason', async () => {
    const missing = await failure('export const other = [];\n');
    expect(missing).toMatchObject({ code: 'ERR_AST_EDIT', exitCode: 1 });
    expect(missing.message).toContain('src/routes.ts: no "endpoints" declaration');

    const notArray = await failure('export const endpoints = build();\n');
    expect(notArray).toMatchObject({ code: 'ERR_AST_EDIT' });
    expect(notArray.message).toContain('"endpoints" is not an array literal');

    const broken = await failure(`${REGISTRY}export const later = ;\n`);
    expect(broken).toMatchObject({ code: 'ERR_AST_EDIT' });
    expect(broken.message).toContain('src/routes.ts: does not parse');
  });

  it('sees an entry whose name is also a word of a module path (js, blessed, notes)', async () => {
    for (const identifier of ['js', 'blessed', 'notes']) {
      expect(nameProblem(identifier), identifier).toBeUndefined();
      const entry = { ...ORDER, identifier, moduleSpecifier: `./endpoints/${identifier}.js` };
      const text = await addRegistryEntry(REGISTRY, FILE, entry);
      expect(hasRegistryEntry(text, entry), identifier).toBe(true);
      expect(hasRegistryEntry(REGISTRY, entry), identifier).toBe(false);
    }
  });

  it('for any identifiers, the result holds each import once and each element once', async () => {
    const identifier = fc
      .stringMatching(/^[a-z][A-Za-z0-9]{0,12}$/)
      // The names the generator accepts, as it would spell them; not the registry's own two entries.
      .filter((id) => nameProblem(id) === undefined && nameForms(id).camel === id && !['health', 'listNotes'].includes(id));
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(identifier, { minLength: 1, maxLength: 4 }), async (ids) => {
        const entries = ids.map((id, i) => ({ ...ORDER, identifier: id, moduleSpecifier: `./endpoints/entry-${i}.js` }));
        let text = REGISTRY;
        for (const entry of entries) text = await addRegistryEntry(text, FILE, entry);
        for (const entry of entries) expect(hasRegistryEntry(text, entry)).toBe(true);
        expect(await addRegistryEntry(text, FILE, entries[0] ?? ORDER)).toBe(text);
      }),
      { numRuns: 30 },
    );
  });
});
