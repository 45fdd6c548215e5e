// Runs the example bank: `node --conditions=source --import tsx examples/koa/main.ts` (REDIS_URL optional; PORT
// default 3000, 0 for any free port).
import type { AddressInfo } from 'node:net';
import { createApp } from './app.js';
import { connectRedis } from '../shared/redis.js';

const { redis, where } = await connectRedis();
const { app, accounts } = createApp({ redis, locked: process.env['LOCKED'] !== 'false' });
await accounts.open('alice', 100);
const server = app.listen(Number(process.env['PORT'] ?? 3000), () => {
  const { port } = server.address() as AddressInfo;
  console.log(`Koa bank on http://localhost:${port} with ${where}; alice has 100. Try:`);
  console.log(
    `  curl -X POST localhost:${port}/accounts/alice/withdraw -H 'content-type: application/json' -d '{"amount":10}'`,
  );
});
