import { describeRequestLock } from '@deadbolt/http/conformance';
import { honoHarness } from './support/honoHarness.js';

describeRequestLock(honoHarness('Hono 4 (@hono/node-server)'));
describeRequestLock(honoHarness('Hono 4 (@hono/node-server)'), { backend: 'mock' });
