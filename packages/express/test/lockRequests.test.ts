import express, { type Express } from 'express';
import express4 from 'express4';
import { describeRequestLock } from '../../core/test/request/support/describeRequestLock.js';
import { expressHarness } from './support/expressHarness.js';

describeRequestLock(expressHarness('Express 5', () => express()));
// Express 4's typings differ in details the harness does not use; its runtime API is the same.
describeRequestLock(expressHarness('Express 4', () => express4() as unknown as Express));
