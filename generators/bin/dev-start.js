#!/usr/bin/env node
// `npm start`: the service from its TypeScript sources, without a loader hop. src/ and blessed/
// are bundled once with esbuild (packages stay external) and reused while no source file
// changes; see loadTypeScript. The process is the service: SIGTERM reaches it and it drains.
import { loadTypeScript } from './load.js';

const { main } = await loadTypeScript(new URL('../../src/server.ts', import.meta.url), { service: true });
await main();
