import type { SourceRule } from '../types.js';
import { asNode, identifierName, keyName, propertyName, stringValue, walk, type AnyNode } from './_ast.js';

const WEAK_HASHES = new Set(['md5', 'sha1', 'md4', 'sha-1']);
// Names whose value must be unguessable.
const SECRETISH = /(?:^id$|Id$|_id$|ID$|[Uu]uid|[Tt]oken|TOKEN|[Ss]ecret|SECRET|[Nn]once|[Ss]alt$|[Pp]assw|[Ss]ession|[Oo]tp$|^key$|Key$|^code$|Code$)/;

function containsMathRandom(value: unknown): AnyNode | undefined {
  let found: AnyNode | undefined;
  walk(value, (node) => {
    if (found !== undefined) return false;
    if (node.type === 'CallExpression' && propertyName(node['callee']) === 'random' && identifierName(asNode(node['callee'])?.['object']) === 'Math') {
      found = node;
      return false;
    }
    return undefined;
  });
  return found;
}

/** md5/sha1, createCipher without an iv, Math.random for tokens or ids. */
export const weakCrypto: SourceRule = {
  kind: 'source',
  id: 'weak-crypto',
  doc: 'Weak crypto where a strong choice exists: md5/sha1, createCipher without iv, Math.random for tokens or ids',
  fix: 'Use sha256 (a suppression with the reason for a legacy checksum), createCipheriv with a random iv, crypto.randomUUID() or randomBytes() for tokens and ids.',
  applies: (file) => (file.path.startsWith('src/') || file.path.startsWith('blessed/')) && !file.isTest,
  visitor(_file, report) {
    function checkRandom(name: string | undefined, value: unknown): void {
      if (name === undefined || !SECRETISH.test(name)) return;
      const call = containsMathRandom(value);
      if (call !== undefined) report(call, `Math.random() is predictable; "${name}" needs crypto.randomUUID() or randomBytes()`);
    }
    return {
      CallExpression(node) {
        const callee = asNode(node['callee']);
        const name = propertyName(callee) ?? identifierName(callee);
        const algorithm = stringValue((node['arguments'] as unknown[])[0])?.toLowerCase();
        if ((name === 'createHash' || name === 'hash') && algorithm !== undefined && WEAK_HASHES.has(algorithm)) {
          report(node, `${algorithm} is broken for anything that must resist tampering`);
        } else if (name === 'createCipher' || name === 'createDecipher') {
          report(node, `${name}() derives the key without a salt and uses no iv`);
        }
      },
      VariableDeclarator(node) {
        checkRandom(identifierName(node['id']), node['init']);
      },
      Property(node) {
        checkRandom(keyName(node), node['value']);
      },
      AssignmentExpression(node) {
        const left = asNode(node['left']);
        checkRandom(identifierName(left) ?? propertyName(left), node['right']);
      },
      FunctionDeclaration(node) {
        checkRandom(identifierName(node['id']), node['body']);
      },
    };
  },
};
