import type { RequestLock } from '@deadbolt/http';

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * The lock `lockRequests()` holds for this request (`fence`, `signal`, `remaining()`); `undefined` when the
     * route has no lock hook, the key function skipped locking, or Redis was down with `failOpen`.
     *
     * The public shape of `RequestLock` from `@deadbolt/http`, spelled out here so that the ESM and the CommonJS
     * type declarations of this package augment Fastify with the very same type (a program that loads both would
     * otherwise see two different `RequestLock` classes and fail to merge them).
     */
    lock?: {
      readonly key: string;
      readonly keys: readonly string[];
      readonly token: string;
      readonly fence: number;
      readonly signal: AbortSignal;
      readonly deadline: number;
      readonly held: boolean;
      remaining(): number;
      extend(ttl?: number): Promise<void>;
    };
  }
}

export type { RequestLock };
