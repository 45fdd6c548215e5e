import express, { type Express } from 'express';
import express4 from 'express4';
import { describeRequestLock } from '@deadbolt/http/conformance';
import { expressHarness } from './support/expressHarness.js';

describeRequestLock(expressHarness('Express 5', () => express()));
// Express 4's typings differ in details the harness does not use; its runtime API is the same.
describeRequestLock(expressHarness('Express 4', () => express4() as unknown as Express));
// The same suite on ioredis-mock (the cases that need a real server's faults run on real Redis only).
describeRequestLock(
  expressHarness('Express 5', () => express()),
  { backend: 'mock' },
);
