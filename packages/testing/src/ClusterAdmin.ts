import type { Redis } from 'ioredis';
import {
  coveredSlots,
  describeSlotMap,
  parseClusterNodes,
  parseClusterSlots,
  parseInfoFields,
  slotRange,
  SLOT_COUNT,
  type SlotRange,
} from './clusterTopology.js';
import type { RedisServer } from './RedisServer.js';
import { waitUntil } from './waitUntil.js';

type Command = [string, ...(string | number | Buffer)[]];

/** Internal: one admin connection per cluster node, and the commands that form and watch the cluster. */
export class ClusterAdmin {
  readonly #servers: readonly RedisServer[];
  readonly #timeoutMs: number;
  readonly #clients = new Map<RedisServer, Redis>();

  constructor(servers: readonly RedisServer[], timeoutMs: number) {
    this.#servers = servers;
    this.#timeoutMs = timeoutMs;
  }

  /** The node's admin client (tracked by the server, so its stop() disconnects it). */
  client(server: RedisServer): Redis {
    let client = this.#clients.get(server);
    if (client === undefined) {
      client = server.client({ commandTimeout: 5000 });
      this.#clients.set(server, client);
    }
    return client;
  }

  /** Sends a command expecting a bulk/simple string reply. */
  async string(server: RedisServer, ...command: Command): Promise<string> {
    const reply = await this.client(server).call(...command);
    if (typeof reply !== 'string') throw new TypeError(`Unexpected reply to ${command.join(' ')}`);
    return reply;
  }

  /** The node's view of the slot map. */
  async slots(server: RedisServer): Promise<SlotRange[]> {
    return parseClusterSlots(await this.client(server).call('CLUSTER', 'SLOTS'));
  }

  /** Assigns epochs and slots, joins every node, attaches replicas, and waits for an agreed healthy map. */
  async form(masters: number, replicas: number): Promise<void> {
    const servers = this.#servers;
    const [first, ...others] = servers;
    if (first === undefined) return;
    await Promise.all(servers.map((s, i) => this.client(s).call('CLUSTER', 'SET-CONFIG-EPOCH', i + 1)));
    await Promise.all(
      servers
        .slice(0, masters)
        .map((s, i) => this.client(s).call('CLUSTER', 'ADDSLOTSRANGE', ...slotRange(i, masters))),
    );
    await Promise.all(others.map((s) => this.client(first).call('CLUSTER', 'MEET', s.host, s.port)));
    if (replicas > 0) {
      const ids = await Promise.all(servers.map((s) => this.string(s, 'CLUSTER', 'MYID')));
      await this.#poll('every node to know every other node', this.#timeoutMs, async () => {
        const views = await Promise.all(servers.map((s) => this.string(s, 'CLUSTER', 'NODES')));
        return views.every((view) => {
          const known = new Set(parseClusterNodes(view).map((n) => n.id));
          return ids.every((id) => known.has(id));
        });
      });
      await Promise.all(
        servers
          .slice(masters)
          .map((s, j) => this.client(s).call('CLUSTER', 'REPLICATE', ids[j % masters] ?? '')),
      );
    }
    await this.waitForConsensus('cluster_state:ok and one slot map on every node', (ranges) => {
      return coveredSlots(ranges) === SLOT_COUNT && ranges.every((r) => r.replicas.length === replicas);
    });
    await this.#poll('every replica to sync with its master', this.#timeoutMs, async () => {
      const infos = await Promise.all(
        servers.slice(masters).map((s) => this.string(s, 'INFO', 'replication')),
      );
      return infos.every((info) => parseInfoFields(info).get('master_link_status') === 'up');
    });
  }

  /**
   * Polls CLUSTER INFO and CLUSTER SLOTS on every live (running, not paused) node until each reports
   * cluster_state:ok, knows every node, and has the same map, which `accept` approves.
   */
  async waitForConsensus(
    description: string,
    accept: (ranges: SlotRange[]) => boolean,
    timeoutMs = this.#timeoutMs,
  ): Promise<void> {
    const live = this.#servers.filter((s) => s.running && !s.paused);
    await this.#poll(description, timeoutMs, async () => {
      const views = await Promise.all(
        live.map(async (s) => {
          const info = parseInfoFields(await this.string(s, 'CLUSTER', 'INFO'));
          if (info.get('cluster_state') !== 'ok') return undefined;
          if (info.get('cluster_known_nodes') !== String(this.#servers.length)) return undefined;
          const ranges = await this.slots(s);
          return accept(ranges) ? describeSlotMap(ranges) : undefined;
        }),
      );
      return views.every((view) => view !== undefined && view === views[0]);
    });
  }

  #poll(description: string, timeoutMs: number, condition: () => Promise<boolean>): Promise<void> {
    return waitUntil(condition, { timeoutMs, intervalMs: 50, description });
  }
}
