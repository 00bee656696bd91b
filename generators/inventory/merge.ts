import { assembleOpenApi, openApiText, operationEntry, type DocumentedEndpoint, type JsonObject, type OpenApiInfo, type OperationEntry } from './openapi.js';

const METHODS = new Set(['get', 'post', 'put', 'patch', 'delete']);

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `/orders/{orderId}` back to the Express path `/orders/:orderId` it was written from. */
function expressPath(key: string): string {
  return key.replace(/\{([A-Za-z0-9]+)\}/g, ':$1');
}

/**
 * The operations of an `openapi.json` exactly as this renderer writes it, or undefined for any
 * other text: the operations are put back together with today's renderer and must give the same
 * bytes, so a document edited by hand, written by an older renderer or not sorted is refused.
 *
 * @example
 * const operations = readOperations(await readFile('openapi.json', 'utf8'));
 */
export function readOperations(text: string): OperationEntry[] | undefined {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(document) || !isObject(document['paths']) || !isObject(document['info'])) return undefined;
  const { title, version } = document['info'];
  if (typeof title !== 'string' || typeof version !== 'string') return undefined;
  const entries: OperationEntry[] = [];
  for (const [key, item] of Object.entries(document['paths'])) {
    if (!isObject(item)) return undefined;
    for (const [method, operation] of Object.entries(item)) {
      if (!METHODS.has(method) || !isObject(operation)) return undefined;
      entries.push({ path: expressPath(key), method: method.toUpperCase(), operation });
    }
  }
  return openApiText(assembleOpenApi(entries, { title, version })) === text ? entries : undefined;
}

/**
 * The document `text` becomes with `additions` registered too: their operations rendered from
 * their schemas, the others kept as they are. Undefined when `text` is not a document this
 * renderer wrote or an addition's method and path are already documented.
 *
 * @example
 * const next = addOperations(current, [plannedEndpoint], await projectInfo(root));
 */
export function addOperations(text: string, additions: readonly DocumentedEndpoint[], info: OpenApiInfo): string | undefined {
  const entries = readOperations(text);
  if (entries === undefined) return undefined;
  const taken = new Set(entries.map((entry) => `${entry.method} ${entry.path}`));
  const added = additions.map(operationEntry);
  for (const entry of added) {
    const key = `${entry.method} ${entry.path}`;
    if (taken.has(key)) return undefined;
    taken.add(key);
  }
  return openApiText(assembleOpenApi([...entries, ...added], info));
}
