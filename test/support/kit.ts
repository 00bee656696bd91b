import type { IncomingMessage, ServerResponse } from 'node:http';
import { createTestKit, type TestKit } from '../../blessed/testing/index.js';
import { createApp } from '../../src/app.js';
import { openServiceDatabase } from '../../src/database.js';

/**
 * The project's app under the security test kit: test secret, issuer and audience, logs captured,
 * a fresh in-memory database with every migration applied. Generated security tests start here.
 */
export async function createKit(): Promise<TestKit> {
  return createTestKit({
    async createApp({ auth, logger }) {
      const database = await openServiceDatabase({ databaseUrl: undefined, dataDir: 'memory', mode: 'test' }, logger);
      const app = createApp({ auth }, { logger, database });
      // The kit awaits `close` on the listener it was given, which releases the database.
      return Object.assign((req: IncomingMessage, res: ServerResponse) => app(req, res), { close: () => database.close() });
    },
  });
}
