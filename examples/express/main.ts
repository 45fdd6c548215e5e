// Runs the example bank: `node --import tsx examples/express/main.ts` (REDIS_URL optional, PORT default 3000).
import { createApp } from './app.js';
import { connectRedis } from '../shared/redis.js';

const { redis, where } = connectRedis();
const { app, accounts } = createApp({ redis, locked: process.env['LOCKED'] !== 'false' });
await accounts.open('alice', 100);
const port = Number(process.env['PORT'] ?? 3000);
app.listen(port, () => {
  console.log(`Express bank on http://localhost:${port} with ${where}; alice has 100. Try:`);
  console.log(
    `  curl -X POST localhost:${port}/accounts/alice/withdraw -H 'content-type: application/json' -d '{"amount":10}'`,
  );
});
