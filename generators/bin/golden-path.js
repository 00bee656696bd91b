#!/usr/bin/env node
import { register } from 'tsx/esm/api';

register();
const { runMain } = await import('../cli/run-main.ts');
const { goldenPath } = await import('../cli/golden-path.ts');
await runMain(goldenPath);
