// Prelude "ioredis" for documentation code blocks (see test/docs/codeBlocks.test.ts): the imports a topology
// example leaves out, ioredis's clients and deadbolt's createLocker.
import { Cluster, Redis } from 'ioredis';
import { createLocker } from '@deadbolt/core';

export {};
