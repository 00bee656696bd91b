import { lintSource } from '@secretlint/core';
import { creator as recommended } from '@secretlint/secretlint-rule-preset-recommend';
import type { ProjectRule, SourceRule, Violation } from '../types.js';
import { asNode, identifierName, keyName, propertyName, stringValue, type AnyNode } from './_ast.js';

type CoreConfig = Parameters<typeof lintSource>[0]['options']['config'];

const SECRETLINT_CONFIG: CoreConfig = { rules: [{ id: '@secretlint/secretlint-rule-preset-recommend', rule: recommended }] };
// Binary and generated files secretlint cannot read meaningfully.
const SKIP = /\.(?:png|jpe?g|gif|ico|webp|woff2?|ttf|wasm|zip|gz|tgz|pdf|snap)$/i;
const MAX_BYTES = 1024 * 1024;

/** Secrets in any project file, found by secretlint's recommended preset. */
export const secret: ProjectRule = {
  kind: 'project',
  scope: 'files',
  id: 'secret',
  doc: 'A secret (key, token, private key, password in a connection string) in a project file, found by secretlint',
  fix: 'Remove it, rotate it (it is in the history now), and read it from the environment or a secret store at run time.',
  async check(context) {
    const targets = context.files.filter((file) => !SKIP.test(file));
    const results = await Promise.all(
      targets.map(async function scan(file): Promise<Violation[]> {
        const content = await context.read(file);
        if (content === null || content.length > MAX_BYTES) return [];
        const result = await lintSource({
          source: { content, filePath: file, contentType: 'text' },
          options: { config: SECRETLINT_CONFIG, maskSecrets: true },
        });
        return result.messages.map((m) => ({
          ruleId: 'secret',
          file,
          line: m.loc.start.line,
          column: m.loc.start.column + 1,
          message: `${m.message} (secretlint ${m.ruleId})`,
        }));
      }),
    );
    return results.flat();
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
