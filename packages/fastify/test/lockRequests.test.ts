import { describeRequestLock } from '@deadbolt/http/conformance';
import { fastifyHarness } from './support/fastifyHarness.js';

describeRequestLock(fastifyHarness('Fastify 5 (route preHandler)', 'preHandler'));
describeRequestLock(fastifyHarness('Fastify 5 (route onRequest)', 'onRequest'));
// The same suite on ioredis-mock (the cases that need a real server's faults run on real Redis only).
describeRequestLock(fastifyHarness('Fastify 5 (route preHandler)', 'preHandler'), { backend: 'mock' });
