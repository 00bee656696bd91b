import { fileURLToPath } from 'node:url';
import { writeBlessedApi } from './extract.js';

// `npm run blessed-api`: refreshes the committed list the prompts and rule files quote.
const root = fileURLToPath(new URL('../..', import.meta.url));
await writeBlessedApi(root, fileURLToPath(new URL('./blessed-api.json', import.meta.url)));
