import type { ProjectRule, SourceRule, Violation } from '../types.js';
import { asNode, identifierName, objectProperties, stringValue } from './_ast.js';

const MIN_REASON = 10;

/** A `defineEndpoint` with `public` but no real reason, or with neither permission nor public. */
export const publicReason: SourceRule = {
  kind: 'source',
  id: 'public-reason',
  doc: 'A public endpoint without a written reason (or an endpoint with neither permission nor public)',
  fix: 'Give `public` a sentence saying why no token is needed, or require a permission instead.',
  applies: (file) => file.path.startsWith('src/') && !file.isTest,
  visitor(_file, report) {
    return {
      CallExpression(node) {
        if (identifierName(node['callee']) !== 'defineEndpoint') return;
        const definition = asNode((node['arguments'] as unknown[])[0]);
        if (definition?.type !== 'ObjectExpression') return;
        const properties = objectProperties(definition);
        const reason = properties.get('public');
        if (reason === undefined) {
          if (!properties.has('permission')) report(node, 'defineEndpoint without "permission" or a "public" reason');
          return;
        }
        const text = stringValue(reason);
        if (text === undefined) report(reason, '"public" must be a literal sentence that review can read');
        else if (text.trim().length < MIN_REASON) report(reason, `"public" reason "${text.trim()}" is too short to say why no token is needed`);
      },
    };
  },
};

const ENDPOINT_FILE = /^src\/(endpoints|resources)\/([a-z0-9][a-z0-9-]*)\.ts$/;

/** Every endpoint (and resource) file has its security tests. */
export const securityTest: ProjectRule = {
  kind: 'project',
  scope: 'files',
  id: 'security-test',
  doc: 'An endpoint or resource without its security test file',
  fix: 'Regenerate it with `npx generate …` (which writes test/<kind>/<name>.security.test.ts), or map it to the shared test in golden-path.config.json "securityTests".',
  async check(context) {
    // A test outside the paths given still counts: `check src` must not ask for tests that exist.
    const present = new Set(context.allFiles);
    const violations: Violation[] = [];
    for (const file of context.files) {
      const match = ENDPOINT_FILE.exec(file);
      if (match === null) continue;
      const text = (await context.read(file)) ?? '';
      const offset = text.search(/\bdefine(?:Endpoint|Resource)\s*\(/);
      if (offset === -1) continue;
      const expected = `test/${match[1]}/${match[2]}.security.test.ts`;
      const mapped = context.config.securityTests[file];
      if (present.has(expected) || (mapped !== undefined && present.has(mapped))) continue;
      const line = text.slice(0, offset).split('\n').length;
      violations.push({
        ruleId: 'security-test',
        file,
        line,
        column: 1,
        message: mapped === undefined ? `no security tests: ${expected} is missing` : `its security tests ${mapped} (from golden-path.config.json) are missing`,
      });
    }
    return violations;
  },
};
