#!/usr/bin/env node
import { fileURLToPath } from 'node:url';
import { loadTypeScript } from './load.js';

const { main } = await loadTypeScript(new URL('../cli/generate-main.ts', import.meta.url));
await main(fileURLToPath(new URL('../..', import.meta.url)), () => loadTypeScript(new URL('../cli/generate-text-main.ts', import.meta.url)));
