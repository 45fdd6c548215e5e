import { defineScript } from '../redis/Script.js';
import { EXTEND } from './extend.js';
import { PUSH_FENCE } from './pushFence.js';

/**
 * `extend` for one node of a quorum (or one slot of a multi-slot Cluster lock), which also pushes the lock's
 * fence to this node's fence keys (see `PUSH_FENCE`), held here or not.
 * ARGV: token, ttl (ms), fence ttl (ms), fence. Returns 1 when extended, 0 when any key is not ours here.
 */
export const QUORUM_EXTEND = defineScript('quorum-extend', `${PUSH_FENCE}${EXTEND.source}`);
