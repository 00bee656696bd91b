import type { SourceRule } from '../types.js';
import { asNode, identifierName, keyName, objectProperties, propertyName, stringValue } from './_ast.js';

/** `console.*` in the service and the blessed layer: it bypasses redaction and request ids. */
export const noConsole: SourceRule = {
  kind: 'source',
  id: 'no-console',
  doc: 'console.* in src/ or blessed/',
  fix: "Log through the handler's `log` or createLogger() from blessed/logger: it redacts secrets and carries the request id.",
  applies: (file) => (file.path.startsWith('src/') || file.path.startsWith('blessed/')) && !file.isTest,
  visitor(_file, report) {
    return {
      MemberExpression(node) {
        if (identifierName(node['object']) === 'console') report(node, `console.${propertyName(node) ?? '…'} bypasses the redacting logger`);
      },
    };
  },
};

const FALSEY = new Set(['0', 'false', '']);

/** `rejectUnauthorized: false` and `NODE_TLS_REJECT_UNAUTHORIZED=0`: TLS without verification. */
export const tlsDisabled: SourceRule = {
  kind: 'source',
  id: 'tls-disabled',
  doc: 'TLS certificate verification turned off (rejectUnauthorized: false, NODE_TLS_REJECT_UNAUTHORIZED)',
  fix: 'Keep verification on; for a private CA pass its certificate (ca) to blessed/http instead.',
  applies: (file) => !file.isTest,
  visitor(_file, report) {
    return {
      Property(node) {
        const key = keyName(node);
        const value = asNode(node['value']);
        if (key === 'rejectUnauthorized' && value?.type === 'Literal' && value['value'] === false) {
          report(node, 'rejectUnauthorized: false accepts any certificate');
        }
        // A schema key or a lookup names the variable; only a literal '0' sets it.
        if (key === 'NODE_TLS_REJECT_UNAUTHORIZED' && value?.type === 'Literal' && FALSEY.has(String(value['value']))) {
          report(node, 'NODE_TLS_REJECT_UNAUTHORIZED: 0 turns off TLS verification for the whole process');
        }
      },
      AssignmentExpression(node) {
        const left = asNode(node['left']);
        const right = asNode(node['right']);
        if (propertyName(left) === 'NODE_TLS_REJECT_UNAUTHORIZED') {
          const value = right?.type === 'Literal' ? String(right['value']) : undefined;
          if (value === undefined || FALSEY.has(value)) report(node, 'NODE_TLS_REJECT_UNAUTHORIZED=0 turns off TLS verification for the whole process');
        }
        if (propertyName(left) === 'rejectUnauthorized' && right?.type === 'Literal' && right['value'] === false) {
          report(node, 'rejectUnauthorized = false accepts any certificate');
        }
      },
    };
  },
};

/** `cors()` bare, `origin: '*'`/`true`/a function, a reflected `Access-Control-Allow-Origin`; `trust proxy` true. */
export const permissiveCors: SourceRule = {
  kind: 'source',
  id: 'permissive-cors',
  doc: "Permissive CORS: bare cors(), origin '*', true or reflected",
  fix: 'Pass cors() an explicit list of exact origins from configuration (CORS_ORIGINS); CORS is never authorisation.',
  applies: (file) => !file.isTest,
  visitor(_file, report) {
    return {
      CallExpression(node) {
        const callee = asNode(node['callee']);
        const args = node['arguments'] as unknown[];
        if (identifierName(callee) === 'cors') {
          if (args.length === 0) {
            report(node, "cors() without options answers every origin with '*'");
            return;
          }
          const origin = objectProperties(args[0]).get('origin');
          if (origin === undefined) report(node, "cors() without an origin list answers every origin with '*'");
          else if (stringValue(origin) === '*') report(origin, "origin: '*' lets every site read the responses");
          else if (origin.type === 'Literal' && origin['value'] === true) report(origin, 'origin: true reflects any requesting origin');
          else if (origin.type === 'ArrowFunctionExpression' || origin.type === 'FunctionExpression') {
            report(origin, 'an origin callback tends to reflect the requesting origin; pass the exact list');
          }
          return;
        }
        const method = propertyName(callee);
        if ((method === 'setHeader' || method === 'header' || method === 'set') && stringValue(args[0])?.toLowerCase() === 'access-control-allow-origin') {
          const value = asNode(args[1]);
          if (stringValue(value) === '*') report(node, "Access-Control-Allow-Origin: '*' lets every site read the responses");
          else if (value !== undefined && stringValue(value) === undefined)
            report(node, 'Access-Control-Allow-Origin set from a value that may reflect the request');
        }
      },
    };
  },
};

export const trustProxy: SourceRule = {
  kind: 'source',
  id: 'trust-proxy',
  doc: "app.set('trust proxy', true): every X-Forwarded-For hop trusted",
  fix: 'Set trust proxy to the number of proxies in front of the service (TRUST_PROXY_HOPS), never true.',
  applies: (file) => !file.isTest,
  visitor(_file, report) {
    return {
      CallExpression(node) {
        const args = node['arguments'] as unknown[];
        if (propertyName(node['callee']) !== 'set' || stringValue(args[0]) !== 'trust proxy') return;
        const value = asNode(args[1]);
        if (value?.type === 'Literal' && value['value'] === true) report(node, 'trust proxy = true lets any client choose its own address');
      },
    };
  },
};
