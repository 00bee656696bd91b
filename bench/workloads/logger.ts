import { pino } from 'pino';
import { createLogger } from '../../blessed/logger/index.js';

// One process per measurement: `logger.ts <redacting|plain> <lines>` prints the ms it took.
const [kind, count] = process.argv.slice(2);
const lines = Number(count ?? 100_000);
const destination = pino.destination({ dest: '/dev/null', sync: true });
const log: { info(entry: object, message: string): void } =
  kind === 'plain' ? pino({ level: 'info' }, destination) : createLogger({ level: 'info', destination: destination as unknown as NodeJS.WritableStream });

function entry(i: number) {
  // Secrets nested where pino's path redaction does not reach: the redacting logger must find them.
  return {
    orderId: `order-${i}`,
    customer: { id: i, email: 'user@example.test', credentials: { password: 'hunter2', apiKey: 'k-123' } },
    headers: { Authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig', accept: 'application/json' },
    items: [
      { sku: 'A-1', quantity: 2, token: 'tok-1' },
      { sku: 'B-2', quantity: 1 },
    ],
  };
}

const started = process.hrtime.bigint();
for (let i = 0; i < lines; i += 1) log.info(entry(i), 'order placed');
const ms = Number(process.hrtime.bigint() - started) / 1e6;
process.stdout.write(`${ms}\n`);
