import type { ChaosClient } from '../world/ChaosClient.js';
import type { ChaosWorld } from '../world/ChaosWorld.js';

/**
 * Aims `fault` at client `i` when it lives: records it for every client of its process (they share the
 * connection and the clock it hits) and applies `effect` once. A crashed or unknown client is left alone.
 *
 * @example
 * ```ts
 * hit(world, 2, { kind: 'lostReply', duration: 1000, beyond: false }, ({ connection }) => {
 *   connection.faults.dropReplies += 1
 * })
 * ```
 */
export function hit(
  world: ChaosWorld,
  i: number,
  fault: Parameters<ChaosClient['fault']>[0],
  effect: (client: ChaosClient) => void,
): void {
  const client = world.clients[i];
  if (!client || client.crashed) return;
  client.fault(fault);
  effect(client);
}
