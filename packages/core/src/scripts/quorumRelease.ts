import { defineScriptFamily } from '../redis/ScriptFamily.js';
import { PUSH_FENCE } from './pushFence.js';
import { RELEASE, RELEASE_FLAGS } from './release.js';

/**
 * `release` for one node of a quorum (or one slot of a multi-slot Cluster lock), which also pushes the lock's
 * fence to this node's fence keys (see `PUSH_FENCE`) before releasing; flags as for `release`.
 * ARGV: token, fence ttl (ms), fence.
 * Returns the number of keys that were still held by the token on this node.
 */
export const QUORUM_RELEASE = defineScriptFamily(
  'quorum-release',
  RELEASE_FLAGS,
  (flags) => `${PUSH_FENCE}${RELEASE.get(flags).source}`,
);
