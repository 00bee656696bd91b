import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { PassThrough } from 'node:stream';
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../blessed/logger/index.js';
import { goldenPath } from '../generators/cli/golden-path.js';
import { buildOpenApi, openApiText } from '../generators/inventory/openapi.js';
import { projectInfo } from '../generators/inventory/load.js';
import { createApp } from '../src/app.js';
import { endpoints } from '../src/routes.js';
import { PROJECT } from './support/project-copy.js';
import { documentedRoutes, reachableRoutes } from './support/reachable.js';

type Document = { paths: Record<string, Record<string, Record<string, unknown>>> };

const auth = { secret: randomBytes(32), issuer: 'inventory-test', audience: 'inventory-test' };
const logger = createLogger({ level: 'silent' });

async function committed(): Promise<string> {
  return readFile(new URL('../openapi.json', import.meta.url), 'utf8');
}

describe('API inventory (openapi.json)', () => {
  it('the committed openapi.json is exactly what the registry produces', async () => {
    expect(await committed()).toBe(openApiText(buildOpenApi(endpoints, await projectInfo(PROJECT))));
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    const result = await new Validator().validate(JSON.parse(await committed()) as Record<string, unknown>);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('documents every operation with its permission or public reason, bearer security and problem+json errors', async () => {
    const document = JSON.parse(await committed()) as Document & { components: { securitySchemes: Record<string, unknown> } };
    expect(document.components.securitySchemes).toEqual({ bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } });
    const getNote = document.paths['/notes/{noteId}']?.['get'];
    expect(getNote).toMatchObject({ 'x-permission': 'notes:read', security: [{ bearer: [] }], parameters: [{ name: 'noteId', in: 'path', required: true }] });
    expect(Object.keys((getNote?.['responses'] ?? {}) as object)).toEqual(['200', '400', '401', '403', '404', '500']);
    const health = document.paths['/health']?.['get'];
    expect(health).toMatchObject({ security: [], 'x-public-reason': expect.stringMatching(/without credentials/) });
    const create = document.paths['/notes']?.['post'] as {
      requestBody: { content: Record<string, { schema: { properties: object; additionalProperties: boolean } }> };
    };
    expect(create.requestBody.content['application/json']?.schema).toMatchObject({
      properties: { title: { type: 'string', maxLength: 200 } },
      additionalProperties: false,
    });
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const access = 'x-permission' in operation ? 'permission' : 'x-public-reason' in operation ? 'public' : 'none';
        expect(access, `${method} ${path}`).not.toBe('none');
      }
    }
  });

  it('documented == reachable: the routes Express can reach are exactly the documented ones', async () => {
    const app = createApp({ auth }, { logger });
    expect(reachableRoutes(app)).toEqual(documentedRoutes(JSON.parse(await committed()) as Document));
  });

  it('a route mounted by hand breaks documented == reachable', async () => {
    const app = createApp({ auth }, { logger });
    app.get('/debug/dump', (_req, res) => res.json({}));
    const reachable = reachableRoutes(app);
    expect(reachable).toContain('GET /debug/dump');
    expect(reachable).not.toEqual(documentedRoutes(JSON.parse(await committed()) as Document));
    const mounted = createApp({ auth }, { logger });
    mounted.use('/admin', (_req, res) => res.json({}));
    expect(reachableRoutes(mounted)).toContain('USE /admin');
  });
});

describe('golden-path routes / openapi', () => {
  async function cli(...argv: string[]): Promise<{ code: number; stdout: string }> {
    const stdout = new PassThrough();
    let text = '';
    stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
    const code = await goldenPath({ argv, stdout, stderr: new PassThrough(), stdin: new PassThrough(), env: {}, cwd: PROJECT });
    return { code, stdout: text };
  }

  it('routes prints the registry as a table', async () => {
    const { code, stdout } = await cli('routes');
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^METHOD +PATH +ACCESS +SUMMARY$/);
    expect(lines).toHaveLength(endpoints.length + 1);
    expect(stdout).toMatch(/^GET +\/notes\/:noteId +notes:read +/m);
    expect(stdout).toMatch(/^GET +\/health +public: Load balancers/m);
  });

  it('openapi --check agrees that the committed document is current', async () => {
    expect(await cli('openapi', '--check')).toEqual({ code: 0, stdout: 'openapi.json is up to date\n' });
  });
});
