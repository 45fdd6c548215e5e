import { ACQUIRE, attemptFlags, parseAttempt } from '../scripts/acquire.js';
import { EXTEND } from '../scripts/extend.js';
import { RELEASE, releaseFlags } from '../scripts/release.js';
import type { ScriptClient } from '../redis/RedisClient.js';
import { ScriptRunner } from '../redis/ScriptRunner.js';
import type { AttemptRequest, AttemptResult, LockBackend, LockTarget } from './LockBackend.js';
import { fenceTtl } from './LockBackend.js';

/** A lock on one Redis server (or one Cluster, where every lock's keys share a slot). */
export class SingleNodeBackend implements LockBackend {
  readonly sharded: boolean;
  readonly #runner: ScriptRunner;

  constructor(client: ScriptClient, commandTimeout: number) {
    this.sharded = client.isCluster === true;
    this.#runner = new ScriptRunner(client, commandTimeout);
  }

  attempt(request: AttemptRequest): Promise<AttemptResult> {
    const { target, token, ttl, fair, wait, queued = true, handOver = false } = request;
    const script = ACQUIRE.get(attemptFlags({ fair, wait, handOver, queued, clockFloor: false }));
    return this.#runner.run(script, target.leases, [token, ttl]).then(parseAttempt);
  }

  extend(target: LockTarget, token: string, ttl: number): Promise<boolean> {
    return this.#runner.run(EXTEND, target.leases, [token, ttl, fenceTtl(ttl)]).then(isOne);
  }

  release(target: LockTarget, token: string, queued = true): Promise<boolean> {
    return this.#runner
      .run(RELEASE.get(releaseFlags(this.sharded, queued)), target.leases, [token])
      .then((released) => released === target.keys.length);
  }
}

function isOne(reply: unknown): boolean {
  return reply === 1;
}
