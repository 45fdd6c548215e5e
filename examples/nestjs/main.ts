// Runs the example bank on NestJS: `node --conditions=source --import tsx examples/nestjs/main.ts` (REDIS_URL
// optional; PORT default 3000, 0 for any free port).
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createApp } from './app.js';
import { connectRedis } from '../shared/redis.js';

const { redis, where } = await connectRedis();
const { app, ledger } = await createApp({ redis, locked: process.env['LOCKED'] !== 'false' });
await ledger.open('alice', 100);
await app.listen(Number(process.env['PORT'] ?? 3000));
const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
console.log(`NestJS bank on http://localhost:${port} with ${where}; alice has 100. Try:`);
console.log(
  `  curl -X POST localhost:${port}/accounts/alice/withdraw -H 'content-type: application/json' -d '{"amount":10}'`,
);
