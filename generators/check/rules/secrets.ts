import { Worker } from 'node:worker_threads';
import type { ProjectRule, SourceRule, Violation } from '../types.js';
import { asNode, identifierName, keyName, propertyName, stringValue, type AnyNode } from './_ast.js';

interface ScanReply {
  readonly results?: readonly { file: string; findings: readonly Pick<Violation, 'line' | 'column' | 'message'>[] }[];
  readonly error?: string;
}

/** secretlint over the files on a worker thread (see secretlint-worker.js for why). */
function scanOnWorker(root: string, files: readonly string[], whole: boolean): Promise<Violation[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./secretlint-worker.js', import.meta.url), { workerData: { root, files, whole } });
    worker.once('message', (reply: ScanReply) => {
      void worker.terminate();
      if (reply.error !== undefined || reply.results === undefined) reject(new Error(`secretlint: ${reply.error ?? 'no result'}`));
      else resolve(reply.results.flatMap(({ file, findings }) => findings.map((f) => ({ ruleId: 'secret', file, ...f }))));
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`secretlint: worker stopped (exit ${code})`)));
  });
}

/** Secrets in any project file, found by secretlint's recommended preset. */
export const secret: ProjectRule = {
  kind: 'project',
  scope: 'files',
  id: 'secret',
  doc: 'A secret (key, token, private key, password in a connection string) in a project file, found by secretlint',
  fix: 'Remove it, rotate it (it is in the history now), and read it from the environment or a secret store at run time.',
  check(context) {
    return scanOnWorker(context.root, context.files, context.files.length === context.allFiles.length);
  },
};

const CREDENTIAL_NAME = /(?:passw(?:or)?d|pwd|secret|token|api[_-]?key|apikey|private[_-]?key|access[_-]?key|client[_-]?secret|credential)s?$/i;
// Shorter literals are names, formats or durations ('password', '15m'), not credentials.
const MIN_SECRET_LENGTH = 16;
const URL_CREDENTIALS = /\b[a-z][a-z0-9+.-]*:\/\/[^\s/:@'"`]+:[^\s/@'"`]+@[^\s'"`]/i;

function looksLikeSecret(value: string): boolean {
  if (value.length < MIN_SECRET_LENGTH || /\s/.test(value)) return false;
  // Environment variable names and placeholders say where the secret comes from.
  if (/^[A-Z][A-Z0-9_]*$/.test(value) || /^<.*>$|^\$\{.*\}$/.test(value)) return false;
  return true;
}

/** `password = 'long literal'` and `scheme://user:password@host` in code. */
export const hardcodedCredential: SourceRule = {
  kind: 'source',
  id: 'hardcoded-credential',
  doc: 'A long literal assigned to a password/secret/token-like name, or credentials inside a URL',
  fix: 'Read it from configuration (src/config.ts, an environment variable); tests mint their own with blessed/testing.',
  applies: (file) => !file.isTest,
  visitor(_file, report) {
    function named(name: string | undefined, value: unknown): void {
      const node = asNode(value);
      const text = stringValue(node);
      if (name === undefined || node === undefined || text === undefined) return;
      if (CREDENTIAL_NAME.test(name) && looksLikeSecret(text)) report(node, `"${name}" is assigned a literal that looks like a credential`);
    }
    function literal(node: AnyNode): void {
      const text = typeof node['value'] === 'string' ? node['value'] : undefined;
      if (text !== undefined && URL_CREDENTIALS.test(text)) report(node, 'a URL with a user name and password in it');
    }
    return {
      VariableDeclarator(node) {
        named(identifierName(node['id']), node['init']);
      },
      Property(node) {
        named(keyName(node), node['value']);
      },
      AssignmentExpression(node) {
        const left = asNode(node['left']);
        named(identifierName(left) ?? propertyName(left), node['right']);
      },
      Literal: literal,
      TemplateElement(node) {
        const cooked = (node['value'] as { cooked?: unknown } | undefined)?.cooked;
        if (typeof cooked === 'string' && URL_CREDENTIALS.test(cooked)) report(node, 'a URL with a user name and password in it');
      },
    };
  },
};
