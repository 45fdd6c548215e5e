import type { ClusterAdmin } from './ClusterAdmin.js';
import { coveredSlots, parseClusterNodes, SLOT_COUNT, type SlotRange } from './clusterTopology.js';
import type { RedisServer } from './RedisServer.js';

/** How long a failover may take to be agreed by every live node, in ms (detection needs the node timeout). */
export const FAILOVER_TIMEOUT_MS = 30_000;

/** Internal: the servers that replicate `master`, according to the first live node's slot map. */
export async function replicasOf(
  admin: ClusterAdmin,
  servers: readonly RedisServer[],
  master: RedisServer,
): Promise<RedisServer[]> {
  const ranges = await admin.slots(liveNode(servers));
  const ports = new Set(ranges.filter((r) => r.master === master.port).flatMap((r) => r.replicas));
  return servers.filter((server) => ports.has(server.port));
}

/**
 * Internal: `CLUSTER FAILOVER [FORCE]` on `replica`, then waits until every live node agrees it serves its old
 * master's slots. Without FORCE the replica first catches up with its master, so no acknowledged write is lost.
 */
export async function manualFailover(
  admin: ClusterAdmin,
  replica: RedisServer,
  force: boolean,
): Promise<void> {
  const nodes = parseClusterNodes(await admin.string(replica, 'CLUSTER', 'NODES'));
  if (nodes.find((node) => node.port === replica.port)?.master !== false)
    throw new Error(`RedisCluster.failover(): port ${replica.port} is not a replica`);
  await admin.client(replica).call('CLUSTER', 'FAILOVER', ...(force ? ['FORCE'] : []));
  await admin.waitForConsensus(
    `port ${replica.port} to be promoted`,
    (ranges) => isHealthy(ranges) && ranges.some((r) => r.master === replica.port),
    FAILOVER_TIMEOUT_MS,
  );
}

/**
 * Internal: SIGKILLs `master` and waits until the cluster promoted one of its replicas (after the node timeout)
 * and every live node agrees; resolves with the promoted server.
 */
export async function killAndFailOver(
  admin: ClusterAdmin,
  servers: readonly RedisServer[],
  master: RedisServer,
): Promise<RedisServer> {
  const before = await admin.slots(liveNode(servers));
  const slot = before.find((r) => r.master === master.port)?.start;
  if (slot === undefined) throw new Error(`RedisCluster.killMaster(): port ${master.port} is not a master`);
  await master.kill();
  await admin.waitForConsensus(
    `a replica of port ${master.port} to be promoted`,
    (ranges) => isHealthy(ranges) && ranges.every((r) => r.master !== master.port),
    FAILOVER_TIMEOUT_MS,
  );
  const after = await admin.slots(liveNode(servers));
  const promoted = servers.find(
    (s) => s.port === after.find((r) => r.start <= slot && slot <= r.end)?.master,
  );
  if (promoted === undefined) throw new Error(`RedisCluster.killMaster(): slot ${slot} is not served`);
  return promoted;
}

function isHealthy(ranges: readonly SlotRange[]): boolean {
  return coveredSlots(ranges) === SLOT_COUNT;
}

function liveNode(servers: readonly RedisServer[]): RedisServer {
  const node = servers.find((s) => s.running && !s.paused);
  if (node === undefined) throw new Error('RedisCluster: no live node to ask');
  return node;
}
