// Where the registry and its document live. Apart from load.ts so that the generate command can
// name them without bundling the runtime (express, jose, pino) that loading a registry needs.
export const REGISTRY_FILE = 'src/routes.ts';
export const OPENAPI_FILE = 'openapi.json';
