// The helper thread of parallel.ts. A worker does not inherit the TypeScript loader of the thread
// that started it, so it registers its own before loading the rules.
import { register } from 'tsx/esm/api';

register();
const { runWorker } = await import('./parallel.ts');
runWorker();
