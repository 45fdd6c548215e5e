// A process that joins a lock's wait queue and waits (until it is killed): `node --import=tsx waitingProcess.ts URL PREFIX KEY`.
import { Redis } from 'ioredis';
import { createLocker } from '@deadbolt/core';

const [url, prefix, key] = process.argv.slice(2);
const locker = createLocker(new Redis(url ?? ''), { prefix: prefix ?? 'deadbolt' });
await locker.acquire(key ?? 'k', { wait: 60_000 });
