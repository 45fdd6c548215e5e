import type { LockState } from '@deadbolt/koa';
import Koa from 'koa';
import Koa2 from 'koa2';
import { describeRequestLock } from '@deadbolt/http/conformance';
import { koaHarness } from './support/koaHarness.js';

describeRequestLock(koaHarness('Koa 3', () => new Koa<LockState>()));
describeRequestLock(koaHarness('Koa 2', () => new Koa2<LockState>()));
// The same suite on ioredis-mock (the cases that need a real server's faults run on real Redis only).
describeRequestLock(
  koaHarness('Koa 3', () => new Koa<LockState>()),
  { backend: 'mock' },
);
