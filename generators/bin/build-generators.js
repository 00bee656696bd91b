#!/usr/bin/env node
// `npm run build:generators`: writes the committed bundle(s) and their manifest into
// generators/dist/ (see committed.js). Run it after changing a generator or a package it bundles;
// test/generators/committed-bundle.test.ts fails until you do.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildCommitted, COMMITTED_DIR } from './committed.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const files = await buildCommitted(root);
mkdirSync(join(root, COMMITTED_DIR), { recursive: true });
// A bundle whose entry is no longer committed would be shipped without anything to check it.
for (const name of readdirSync(join(root, COMMITTED_DIR))) {
  if (!files.has(`${COMMITTED_DIR}/${name}`)) rmSync(join(root, COMMITTED_DIR, name), { recursive: true, force: true });
}
for (const [file, bytes] of files) {
  writeFileSync(join(root, file), bytes);
  process.stdout.write(`${file}  ${(bytes.length / 1024).toFixed(0)} kB\n`);
}
