import { setImmediate as nextTurn } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let collectGarbage: (() => void) | undefined;

/** V8's full collection, exposed for this process the first time it is needed (no `--expose-gc` required). */
function fullGc(): void {
  if (collectGarbage === undefined) {
    setFlagsFromString('--expose-gc');
    collectGarbage = runInNewContext('gc') as () => void;
  }
  collectGarbage();
}

/**
 * Whether the object `ref` points to is gone after a full garbage collection: for tests that something lets go
 * of what it no longer needs (a listener, a request). Waits a turn first, since a `WeakRef` keeps its target
 * alive until the end of the turn that made or read it.
 *
 * @example
 * ```ts
 * const ref = new WeakRef(payload)
 * lock.onLoss(() => void payload)
 * await lock.release()
 * expect(await isCollected(ref)).to.equal(true)
 * ```
 */
export async function isCollected(ref: WeakRef<object>): Promise<boolean> {
  await nextTurn();
  fullGc();
  return ref.deref() === undefined;
}
