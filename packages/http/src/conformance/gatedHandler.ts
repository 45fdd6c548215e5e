import { deferred } from './deferred.js';
import type { HandlerReply } from './Harness.js';

/** A test handler whose first call holds its request (and lock) until `open()`; later calls answer at once. */
export function gatedHandler(): {
  readonly handler: () => Promise<HandlerReply>;
  readonly entered: () => number;
  readonly open: () => void;
} {
  const gate = deferred();
  let entered = 0;
  return {
    handler: async () => {
      entered += 1;
      if (entered === 1) await gate.promise;
      return { status: 200, json: {} };
    },
    entered: () => entered,
    open: () => gate.resolve(),
  };
}
