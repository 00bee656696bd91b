import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isEndpoint, type Endpoint } from '../../blessed/endpoint/index.js';
import { REGISTRY_FILE } from './files.js';
import { projectInfo } from './info.js';
import { buildOpenApi, openApiText } from './openapi.js';

export { OPENAPI_FILE, REGISTRY_FILE } from './files.js';
export { projectInfo } from './info.js';

/** Imports a project's registry (`src/routes.ts` exports `endpoints`); needs a TypeScript loader (tsx). */
export async function loadRegistry(root: string, file = REGISTRY_FILE): Promise<readonly Endpoint[]> {
  const module = (await import(pathToFileURL(join(root, file)).href)) as { endpoints?: unknown };
  const endpoints = module.endpoints;
  if (!Array.isArray(endpoints)) throw new TypeError(`${file} must export "endpoints", an array`);
  endpoints.forEach((endpoint, index) => {
    if (!isEndpoint(endpoint)) throw new TypeError(`${file}: endpoints[${index}] is not built with defineEndpoint()`);
  });
  return endpoints as readonly Endpoint[];
}

/** The text `openapi.json` should have for the project at `root`. */
export async function renderOpenApi(root: string, registryFile = REGISTRY_FILE): Promise<string> {
  const [endpoints, info] = await Promise.all([loadRegistry(root, registryFile), projectInfo(root)]);
  return openApiText(buildOpenApi(endpoints, info));
}
