import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ProjectContext, ProjectRule, Violation } from '../types.js';

export const CHECKSUM_FILE = 'blessed/checksums.sha256';

/** The blessed files and their sha256, in `sha256sum` format so `sha256sum -c` can read it too. */
export async function blessedChecksums(root: string, files: readonly string[]): Promise<string> {
  const targets = files.filter((file) => file.startsWith('blessed/') && file !== CHECKSUM_FILE).sort();
  const lines = await Promise.all(
    targets.map(
      async (file) =>
        `${createHash('sha256')
          .update(await readFile(join(root, file)))
          .digest('hex')}  ${file}`,
    ),
  );
  return `${lines.join('\n')}\n`;
}

function parse(text: string): Map<string, { hash: string; line: number }> {
  const recorded = new Map<string, { hash: string; line: number }>();
  text.split('\n').forEach((row, index) => {
    const match = /^([0-9a-f]{64}) {2}(.+)$/.exec(row);
    if (match?.[1] !== undefined && match[2] !== undefined) recorded.set(match[2], { hash: match[1], line: index + 1 });
  });
  return recorded;
}

/** blessed/ is owned code: every file matches the checksum recorded when the change was reviewed. */
export const blessedChecksum: ProjectRule = {
  kind: 'project',
  scope: 'project',
  id: 'blessed-checksum',
  doc: 'A file in blessed/ that does not match its recorded checksum (or is new, or is gone)',
  fix: 'Undo the edit; if it is a reviewed change to the blessed layer, record it with `npx golden-path check --accept-blessed`.',
  async check(context: ProjectContext) {
    const text = await context.read(CHECKSUM_FILE);
    const blessed = context.files.filter((file) => file.startsWith('blessed/') && file !== CHECKSUM_FILE);
    if (text === null) {
      if (blessed.length === 0) return [];
      return [
        { ruleId: 'blessed-checksum', file: CHECKSUM_FILE, line: 1, column: 1, message: `${CHECKSUM_FILE} is missing, so edits to blessed/ go unnoticed` },
      ];
    }
    const recorded = parse(text);
    const actual = parse(await blessedChecksums(context.root, blessed));
    const violations: Violation[] = [];
    for (const [file, { hash }] of actual) {
      const expected = recorded.get(file);
      if (expected === undefined)
        violations.push({ ruleId: 'blessed-checksum', file, line: 1, column: 1, message: 'a new file in blessed/ that no review recorded' });
      else if (expected.hash !== hash)
        violations.push({ ruleId: 'blessed-checksum', file, line: 1, column: 1, message: 'changed since its checksum was recorded' });
    }
    for (const [file, { line }] of recorded) {
      if (!actual.has(file)) violations.push({ ruleId: 'blessed-checksum', file: CHECKSUM_FILE, line, column: 1, message: `${file} is recorded but gone` });
    }
    return violations;
  },
};
