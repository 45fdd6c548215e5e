import { isAbsolute } from 'node:path';
import { expect } from './chai.js';
import {
  REDIS_SERVER_INSTALL_HINT,
  RedisServer,
  RedisServerNotFoundError,
  redisServerBinary,
} from '../src/index.js';

const HINT =
  'To install redis-server: sudo apt-get install -y redis-server (Debian/Ubuntu) or brew install redis (macOS).';

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

  it('REDIS_SERVER_BIN=/nonexistent makes start() reject with what was tried, how to fix it, and no stack trace', async () => {
    process.env.REDIS_SERVER_BIN = '/nonexistent';
    expect(REDIS_SERVER_INSTALL_HINT).to.equal(HINT);
    const message =
      'REDIS_SERVER_BIN=/nonexistent is not an executable file. Point it at redis-server (for example ' +
      'REDIS_SERVER_BIN=$(command -v redis-server)), or unset it to use redis-server from PATH. ' +
      HINT;
    expect(() => redisServerBinary()).to.throw(RedisServerNotFoundError, message);
    const error: unknown = await RedisServer.start().then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).to.be.instanceOf(RedisServerNotFoundError);
    const notFound = error as RedisServerNotFoundError;
    expect(notFound.code).to.equal('ERR_REDIS_SERVER_NOT_FOUND');
    expect(notFound.message).to.equal(message);
    expect(notFound.searched).to.equal('/nonexistent');
    expect(notFound.lookup).to.equal('REDIS_SERVER_BIN');
    // What a test runner or the CLI prints: the message, not a trace through the test's own frames.
    expect(notFound.stack).to.equal(`RedisServerNotFoundError: ${message}`);
  });

  it('a bare name in REDIS_SERVER_BIN that is not on PATH is reported as such', () => {
    process.env.REDIS_SERVER_BIN = 'redis-server-that-does-not-exist';
    expect(() => redisServerBinary()).to.throw(
      RedisServerNotFoundError,
      'REDIS_SERVER_BIN=redis-server-that-does-not-exist was not found on PATH. Point it at redis-server',
    );
  });

  it('the binary option names itself when it is not executable', () => {
    expect(() => redisServerBinary('/nonexistent/redis-server'))
      .to.throw(
        RedisServerNotFoundError,
        'The binary option "/nonexistent/redis-server" is not an executable file.',
      )
      .with.property('lookup', 'binary option');
  });

  it('redis-server missing from PATH says to install it or set REDIS_SERVER_BIN', () => {
    delete process.env.REDIS_SERVER_BIN;
    const savedPath = process.env.PATH;
    process.env.PATH = '/nonexistent-bin';
    try {
      expect(() => redisServerBinary())
        .to.throw(
          RedisServerNotFoundError,
          `redis-server was not found on PATH. Install it, or set REDIS_SERVER_BIN=/path/to/redis-server. ${HINT}`,
        )
        .with.property('searched', 'redis-server');
    } finally {
      process.env.PATH = savedPath;
    }
  });
});
