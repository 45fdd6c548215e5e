/** Number of hash slots in a Redis Cluster. */
export const SLOT_COUNT = 16384;

/** One contiguous slot range as reported by `CLUSTER SLOTS`, reduced to ports. */
export interface SlotRange {
  start: number;
  end: number;
  /** Port of the master serving the range. */
  master: number;
  /** Ports of its replicas, sorted. */
  replicas: number[];
}

/** One line of `CLUSTER NODES`, reduced to what the harness needs. */
export interface ClusterNodeLine {
  id: string;
  port: number;
  master: boolean;
}

/** The `index`-th of `count` even slot ranges covering 0..16383, as `[start, end]` (inclusive). */
export function slotRange(index: number, count: number): [number, number] {
  return [Math.floor((index * SLOT_COUNT) / count), Math.floor(((index + 1) * SLOT_COUNT) / count) - 1];
}

/** Throws a RangeError unless `slot` is an integer in 0..16383. */
export function assertSlot(slot: number): void {
  if (!Number.isInteger(slot) || slot < 0 || slot >= SLOT_COUNT) {
    throw new RangeError(`slot must be an integer in 0..${SLOT_COUNT - 1}, got ${slot}`);
  }
}

function nodePort(node: unknown): number {
  const port: unknown = Array.isArray(node) ? node[1] : undefined;
  if (typeof port !== 'number') throw new TypeError('Unexpected CLUSTER SLOTS node entry');
  return port;
}

/** Parses an ioredis `CLUSTER SLOTS` reply into ranges sorted by start slot. */
export function parseClusterSlots(reply: unknown): SlotRange[] {
  if (!Array.isArray(reply)) throw new TypeError('Unexpected CLUSTER SLOTS reply');
  const ranges = reply.map((entry: unknown): SlotRange => {
    if (!Array.isArray(entry) || typeof entry[0] !== 'number' || typeof entry[1] !== 'number') {
      throw new TypeError('Unexpected CLUSTER SLOTS range entry');
    }
    const [start, end, master, ...replicas] = entry as [number, number, unknown, ...unknown[]];
    return { start, end, master: nodePort(master), replicas: replicas.map(nodePort).sort((a, b) => a - b) };
  });
  return ranges.sort((a, b) => a.start - b.start);
}

/** A canonical string for a slot map, so two nodes' views can be compared. */
export function describeSlotMap(ranges: readonly SlotRange[]): string {
  return ranges.map((r) => `${r.start}-${r.end}@${r.master}[${r.replicas.join(',')}]`).join(' ');
}

/** How many slots the ranges cover. */
export function coveredSlots(ranges: readonly SlotRange[]): number {
  return ranges.reduce((sum, r) => sum + (r.end - r.start + 1), 0);
}

/** The port of the master serving `slot`, or undefined if unassigned. */
export function slotMaster(ranges: readonly SlotRange[], slot: number): number | undefined {
  return ranges.find((r) => r.start <= slot && slot <= r.end)?.master;
}

/** Parses `CLUSTER NODES` text (`<id> <ip:port@bus> <flags> ...` per line). */
export function parseClusterNodes(text: string): ClusterNodeLine[] {
  return text
    .split('\n')
    .map((line) => line.trim().split(' '))
    .filter((fields) => fields.length >= 3)
    .map(([id = '', address = '', flags = '']) => ({
      id,
      port: Number(/:(\d+)@/.exec(address)?.[1]),
      master: flags.split(',').includes('master'),
    }));
}

/** Parses `INFO` / `CLUSTER INFO` text into a field map. */
export function parseInfoFields(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0 && !line.startsWith('#')) fields.set(line.slice(0, colon), line.slice(colon + 1));
  }
  return fields;
}
