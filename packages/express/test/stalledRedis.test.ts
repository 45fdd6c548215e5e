import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { useRedisServer } from '@deadbolt/testing';
import { expect } from 'chai';
import express from 'express';
import { createLocker } from '@deadbolt/core';
import { STORE_GRACE_MS } from '@deadbolt/http';
import { lockRequests } from '@deadbolt/express';

// Issue 17, defect 3, through the middleware: a request that waits for a busy resource, whose subscription Redis
// stops answering (SIGSTOP), gets its 503 within the README's bound (`wait` + 5 s), while Redis is still stalled.
const WAIT_MS = 1_000;
/** Only a hang fails before the bound; the measured time is printed. */
const HANG_MS = 20_000;

describe('a waiting request while Redis stalls (real Redis, issue 17 defect 3)', function () {
  this.timeout(60_000);
  const fixture = useRedisServer();

  it(`answers 503 within wait + ${STORE_GRACE_MS} ms, before Redis resumes`, async function () {
    const redis = fixture.server;
    const holders = createLocker(redis.client(), { prefix: 'sr' });
    const locker = createLocker(redis.client(), { prefix: 'sr', commandTimeout: 1_000 });
    await holders.acquire('item:1', { ttl: 30_000 });
    const app = express().get(
      '/items/:id',
      lockRequests({ locker, key: (req) => `item:${String(req.params['id'])}`, wait: WAIT_MS }),
      (_req, res) => void res.json({ served: true }),
    );
    const http = createServer(app);
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', () => resolve()));
    const { port } = http.address() as AddressInfo;
    // The request's first attempt is refused, then it waits: Redis stalls from the moment it starts waiting.
    locker.once('waited', () => redis.pause());
    try {
      const began = performance.now();
      const response = await fetch(`http://127.0.0.1:${port}/items/1`, {
        signal: AbortSignal.timeout(HANG_MS),
      });
      const took = Math.round(performance.now() - began);
      const stalledAtAnswer = redis.paused;
      console.log(`      answered ${response.status} after ${took} ms (bound ${WAIT_MS + STORE_GRACE_MS})`);
      expect(response.status).to.equal(503);
      expect(stalledAtAnswer, 'answered before Redis resumed').to.equal(true);
      expect(took).to.be.below(WAIT_MS + STORE_GRACE_MS);
    } finally {
      redis.resume();
      await new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      });
      await Promise.all([holders.close(), locker.close()]);
    }
  });
});
