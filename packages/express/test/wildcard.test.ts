import { createLocker, type Locker } from '@deadbolt/core';
import { lockRequests } from '@deadbolt/express';
import { useRedisServer } from '@deadbolt/testing';
import { expect } from 'chai';
import express from 'express';
import { createServer } from 'node:http';
import { get, listen, type Listening } from '@deadbolt/http/conformance';

describe('@deadbolt/express on Express 5 wildcard params (arrays)', () => {
  const redis = useRedisServer();
  let locker: Locker;
  let served: Listening;
  const seen: (readonly string[] | undefined)[] = [];

  before(async () => {
    locker = createLocker(redis.server.client());
    const app = express();
    const paths = (req: express.Request) => req.params['path'] as unknown as string[];
    app.get(
      '/files/*path',
      lockRequests({ locker, key: (req) => paths(req).map((segment) => `file:${segment}`) }),
      (req, res) => {
        seen.push(req.lock?.keys);
        res.json({ keys: req.lock?.keys });
      },
    );
    served = await listen(createServer(app));
  });

  after(async () => {
    await served.close();
    await locker.close();
  });

  it('locks every segment of a wildcard, hostile segments included', async () => {
    const answer = await get(served.url, '/files/b%0D%0A/%7Ba%7D/*/%E6%BC%A2');
    expect(answer.status).to.equal(200);
    expect(seen).to.deep.equal([['file:*', 'file:b\r\n', 'file:{a}', 'file:漢']]);
  });

  it('answers 400 when one segment is too long to lock', async () => {
    const answer = await get(served.url, `/files/a/${'x'.repeat(10_240)}`);
    expect(answer.status).to.equal(400);
    expect(answer.json()).to.include({ code: 'ERR_LOCK_KEY_INVALID' });
  });
});
