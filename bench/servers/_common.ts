import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';

/** Settings every bench server shares, so the three stacks do the same checks with the same inputs. */
// golden-path-ignore hardcoded-credential -- a benchmark-only key for servers bound to loopback; it protects nothing
export const AUTH = { secret: 'bench-secret-bench-secret-bench-secret-0123', issuer: 'golden-path-bench', audience: 'golden-path-bench' } as const;
export const TENANT = 'acme';

export const ItemBody = z.strictObject({
  title: z.string().min(1).max(200),
  quantity: z.number().int().min(1).max(1000),
  tags: z.array(z.string().max(40)).max(10).optional(),
});
export const ItemResponse = z.strictObject({
  id: z.uuid(),
  title: z.string(),
  quantity: z.number().int(),
  tags: z.array(z.string()),
});
export const NoteParams = z.strictObject({ noteId: z.uuid() });

/** Tells the parent (over IPC) where the server listens; the load generator needs nothing else. */
export function announce(server: Server, extra: Record<string, unknown> = {}): void {
  const { port } = server.address() as AddressInfo;
  process.send?.({ port, ...extra });
  process.once('disconnect', function stop() {
    server.close();
    process.exit(0);
  });
}
