import type { NodePlopAPI } from 'node-plop';
import { z } from 'zod';
import { meta, ruled } from '../endpoint/schema.js';
import type { GeneratorConfig } from '../toolkit/generator.js';
import { nameForms, nameProblem } from '../toolkit/names.js';

export const CLIENT_NOTES = `Writes src/clients/<name>.ts: a typed client on the blessed HTTP client whose host allowlist is the
base URL's host; the URL itself and an optional token come from <NAME>_BASE_URL and <NAME>_TOKEN,
validated when load<Name>ClientConfig runs at start-up. test/clients/<name>.test.ts runs it against
a local server: deadline, retries, the allowlist, a broken response, the token kept out of logs.

Example:
  generate client payments --base-url https://api.payments.example/v1
`;

const HOST = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const PREFIX = /^(?:\/[a-z0-9][a-z0-9._-]{0,62}){0,8}$/;

/** Why `value` is not a base URL a client is generated for: https, a DNS name, a plain path prefix. */
export function baseUrlProblem(value: string): string | undefined {
  if (value.startsWith('-')) return 'must not start with a dash';
  if (value.length > 512) return 'must be at most 512 characters';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be a URL like https://api.example.com/v1';
  }
  if (url.protocol !== 'https:') return 'must use https';
  if (url.username !== '' || url.password !== '') return 'must not carry credentials; the token comes from the environment';
  if (url.search !== '' || url.hash !== '' || value.includes('?') || value.includes('#')) return 'must not have a query or fragment';
  if (url.port !== '') return 'must use the default https port';
  if (!HOST.test(url.hostname)) return 'must name a host by its DNS name (no IP address, no single-label host)';
  const prefix = url.pathname.replace(/\/$/, '');
  if (!PREFIX.test(prefix)) return 'must have a path prefix of plain lowercase segments';
  // What the URL parser normalised away (%2e%2e, uppercase, dot segments) would differ from what was typed.
  if (value.replace(/\/$/, '') !== `${url.origin}${prefix}`) return 'must have a path prefix of plain lowercase segments, written as is';
  return undefined;
}

/** Every answer `generate client` takes. */
export const ClientFields = z.strictObject({
  name: ruled(nameProblem).meta(
    meta({
      description: 'the service called: camelCase binding and kebab-case file',
      placeholder: '<name>',
      positional: true,
      message: 'Client name (e.g. payments)',
    }),
  ),
  baseUrl: ruled(baseUrlProblem).meta(
    meta({
      description: 'the upstream base URL, https://host[/prefix]; its host becomes the allowlist',
      placeholder: '<url>',
      message: 'Base URL (e.g. https://api.payments.example/v1)',
    }),
  ),
});
export const ClientAnswers = ClientFields;
export type ClientAnswers = z.output<typeof ClientAnswers>;

/** The template data for `generate client`. */
export function clientView(answers: ClientAnswers) {
  const name = nameForms(answers.name);
  const url = new URL(answers.baseUrl);
  const env = name.kebab.toUpperCase().replace(/-/g, '_');
  return {
    name,
    host: url.hostname,
    exampleUrl: `https://${url.hostname}${url.pathname.replace(/\/$/, '')}`,
    envUrl: `${env}_BASE_URL`,
    envToken: `${env}_TOKEN`,
    files: { client: `src/clients/${name.kebab}.ts`, test: `test/clients/${name.kebab}.test.ts` },
  };
}

/**
 * `generate client`: a typed client on the blessed HTTP client and its tests against a local server.
 *
 * @example
 * clientGenerator(plop);
 */
export default function clientGenerator(plop: NodePlopAPI): void {
  const config: GeneratorConfig<ClientAnswers> = {
    description: 'add a typed client for another service, on the blessed HTTP client',
    fields: ClientFields,
    answers: ClientAnswers,
    notes: CLIENT_NOTES,
    actions(data) {
      const view = clientView(ClientAnswers.parse(data));
      return [
        { type: 'plan:create', path: view.files.client, templateFile: 'client/client.ts.hbs', view },
        { type: 'plan:create', path: view.files.test, templateFile: 'client/client.test.ts.hbs', view },
      ];
    },
  };
  plop.setGenerator('client', config as unknown as Parameters<NodePlopAPI['setGenerator']>[1]);
}
