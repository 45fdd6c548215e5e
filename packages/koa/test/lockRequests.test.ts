import type { LockState } from '@deadbolt/koa';
import Koa from 'koa';
import Koa2 from 'koa2';
import { describeRequestLock } from '../../core/test/request/support/describeRequestLock.js';
import { koaHarness } from './support/koaHarness.js';

describeRequestLock(koaHarness('Koa 3', () => new Koa<LockState>()));
describeRequestLock(koaHarness('Koa 2', () => new Koa2<LockState>()));
