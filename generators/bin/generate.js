#!/usr/bin/env node
import { fileURLToPath } from 'node:url';
import { startAstWorker } from './ast-client.js';
import { loadTypeScript } from './load.js';

const [generator, ...flags] = process.argv.slice(2);
const worker = generator === 'endpoint' && !flags.includes('--help') ? startAstWorker() : undefined;
const { main } = await loadTypeScript(new URL('../cli/generate-main.ts', import.meta.url));
await main(fileURLToPath(new URL('../..', import.meta.url)), worker);
