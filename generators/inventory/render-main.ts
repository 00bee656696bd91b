import { renderOpenApi } from './load.js';

// Run as its own process (see child.ts): a fresh module graph sees the registry as it is on disk now.
const [root, registryFile] = process.argv.slice(2);
if (root === undefined) {
  process.stderr.write('usage: render-main.ts <project root> [registry file]\n');
  process.exitCode = 2;
} else {
  try {
    process.stdout.write(await renderOpenApi(root, registryFile));
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  }
}
