import { z } from 'zod';
import { defineEndpoint } from '../../blessed/endpoint/index.js';

export const health = defineEndpoint({
  method: 'GET',
  path: '/health',
  public: 'Load balancers and orchestrators probe liveness without credentials.',
  summary: 'Liveness probe',
  response: z.strictObject({ status: z.literal('ok') }),
  handler() {
    return { status: 'ok' as const };
  },
});
