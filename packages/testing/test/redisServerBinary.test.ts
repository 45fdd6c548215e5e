import { isAbsolute } from 'node:path';
import { expect } from './chai.js';
import {
  REDIS_SERVER_INSTALL_HINT,
  RedisServer,
  RedisServerNotFoundError,
  redisServerBinary,
} from '../src/index.js';

const HINT =
  'redis-server was not found on PATH. Install it (Debian/Ubuntu: sudo apt-get install -y redis-server; ' +
  'macOS: brew install redis) or set REDIS_SERVER_BIN=/path/to/redis-server.';

describe('redisServerBinary', () => {
  let saved: string | undefined;
  beforeEach(() => {
    saved = process.env.REDIS_SERVER_BIN;
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.REDIS_SERVER_BIN;
    else process.env.REDIS_SERVER_BIN = saved;
  });

  it('resolves redis-server to an absolute path', () => {
    delete process.env.REDIS_SERVER_BIN;
    const binary = redisServerBinary();
    expect(isAbsolute(binary)).to.equal(true);
    expect(binary).to.match(/redis-server$/);
  });

  it('REDIS_SERVER_BIN=/nonexistent makes start() reject with the install hint', async () => {
    process.env.REDIS_SERVER_BIN = '/nonexistent';
    expect(REDIS_SERVER_INSTALL_HINT).to.equal(HINT);
    expect(() => redisServerBinary()).to.throw(RedisServerNotFoundError, HINT);
    const error: unknown = await RedisServer.start().then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).to.be.instanceOf(RedisServerNotFoundError);
    const notFound = error as RedisServerNotFoundError;
    expect(notFound.code).to.equal('ERR_REDIS_SERVER_NOT_FOUND');
    expect(notFound.message).to.include(HINT);
    expect(notFound.searched).to.equal('/nonexistent');
  });

  it('a bare name missing from PATH also throws RedisServerNotFoundError', () => {
    expect(() => redisServerBinary('redis-server-that-does-not-exist'))
      .to.throw(RedisServerNotFoundError)
      .with.property('searched', 'redis-server-that-does-not-exist on PATH');
  });
});
