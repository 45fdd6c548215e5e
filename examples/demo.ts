// `pnpm demo`: 50 concurrent withdrawals on one account, without and with @deadbolt/express, on the Redis at
// REDIS_URL, or on the embedded in-memory Redis (ioredis-mock) when it is not set. Prints which Redis it runs on,
// the lost updates and the fences, and exits 0 when the lock prevented every lost update.
import { createServer, STATUS_CODES } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from './express/app.js';
import type { Redis } from 'ioredis';
import { connectRedis } from './shared/redis.js';

const REQUESTS = 50;
const START = 100;

interface Withdrawal {
  readonly status: number;
  readonly balance?: number;
  readonly fence?: number | null;
}

/** Starts the example app, fires 50 withdrawals of 1 at once, and reports the final balance. */
async function run(redis: Redis, locked: boolean) {
  const { app, accounts, locker } = createApp({ redis, locked });
  const account = locked ? 'bob' : 'alice';
  await accounts.open(account, START);
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const results = await Promise.all(
    Array.from({ length: REQUESTS }, async (): Promise<Withdrawal> => {
      const response = await fetch(`http://127.0.0.1:${port}/accounts/${account}/withdraw`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ amount: 1 }),
      });
      return { status: response.status, ...((await response.json()) as object) };
    }),
  );
  const balance = (await accounts.balance(account)) ?? Number.NaN;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await locker.close();
  return { results, balance };
}

/** e.g. "all 50 answered 200 OK", or "48 answered 200 OK, 2 answered 409 Conflict". */
function statusSummary(results: readonly Withdrawal[]): string {
  const counts = new Map<number, number>();
  for (const { status } of results) counts.set(status, (counts.get(status) ?? 0) + 1);
  const answered = [...counts].map(([status, n]) => `${n} answered ${status} ${STATUS_CODES[status] ?? ''}`);
  return counts.size === 1 ? `all ${answered[0] ?? ''}` : answered.join(', ');
}

let connection;
try {
  connection = await connectRedis();
} catch (error) {
  console.error(`pnpm demo: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
const { redis, where } = connection;
console.log(`Redis: ${where}`);
const expected = START - REQUESTS;
console.log(
  `${REQUESTS} concurrent withdrawals of 1 from an account holding ${START} (expected balance ${expected}).`,
);
console.log('Each handler reads the balance, awaits 5 ms of "payment provider", then writes it back.\n');

const unlocked = await run(redis, false);
const lostWithout = unlocked.balance - expected;
console.log(`without the middleware: ${statusSummary(unlocked.results)}`);
console.log(
  `  balance ${START} → ${unlocked.balance}: ${lostWithout} of ${REQUESTS} withdrawals were lost\n`,
);

const locked = await run(redis, true);
const lostWith = locked.balance - expected;
console.log(
  `with lockRequests({ key: req => \`account:\${req.params.id}\` }): ${statusSummary(locked.results)}`,
);
console.log(`  balance ${START} → ${locked.balance}: ${lostWith} lost`);
const served = locked.results
  .filter((r): r is Withdrawal & { fence: number; balance: number } => typeof r.fence === 'number')
  .sort((a, b) => a.fence - b.fence);
const inOrder = served.every((r, i) => r.balance === START - 1 - i);
const shown = served.length > 6 ? [...served.slice(0, 3), undefined, ...served.slice(-2)] : served;
console.log('  each withdrawal ran under a fresh fence; sorted by fence, each saw the one before it:');
console.log("  (fences are large because a key's fence counter starts at the Redis server's clock in µs)");
for (const r of shown) console.log(r === undefined ? '    …' : `    fence ${r.fence} → balance ${r.balance}`);
console.log(`  fences strictly increase with the balances: ${inOrder ? 'yes' : 'NO'}`);

redis.disconnect();

const ok = lostWith === 0 && inOrder && served.length === REQUESTS;
console.log(
  ok ? '\nNo lost update with the lock.' : '\nUnexpected: the lock did not prevent every lost update.',
);
process.exitCode = ok ? 0 : 1;
