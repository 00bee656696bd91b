import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The title and version the document carries, from the project's package.json. */
export async function projectInfo(root: string): Promise<{ title: string; version: string }> {
  try {
    const manifest = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
    return { title: typeof manifest.name === 'string' ? manifest.name : 'service', version: typeof manifest.version === 'string' ? manifest.version : '0.0.0' };
  } catch {
    return { title: 'service', version: '0.0.0' };
  }
}
