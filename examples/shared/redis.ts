import { Redis } from 'ioredis';
import RedisMock from 'ioredis-mock';

/** A client for `REDIS_URL`, or the embedded in-memory Redis (ioredis-mock) when it is not set. */
export function connectRedis(url = process.env['REDIS_URL']): { redis: Redis; where: string } {
  if (url !== undefined && url !== '') return { redis: new Redis(url), where: url };
  return { redis: new RedisMock(), where: 'the embedded in-memory Redis (ioredis-mock)' };
}
