import type { NodePlopAPI } from 'node-plop';
import clientGenerator from './client/index.js';
import endpointGenerator from './endpoint/index.js';
import resourceGenerator from './resource/index.js';
import serviceGenerator from './service/index.js';
import { registerPlanActions } from './toolkit/actions.js';
import { registerHelpers } from './toolkit/helpers.js';

/**
 * Wires the generators into node-plop; each generator lives in its own folder.
 *
 * @example
 * const plop = await nodePlop();
 * plopfile(plop);
 */
export default function plopfile(plop: NodePlopAPI): void {
  registerHelpers(plop);
  registerPlanActions(plop);
  endpointGenerator(plop);
  serviceGenerator(plop);
  resourceGenerator(plop);
  clientGenerator(plop);
}
