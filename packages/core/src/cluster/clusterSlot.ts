/** Number of hash slots in a Redis Cluster. */
export const CLUSTER_SLOTS = 16384;

/** CRC16-CCITT (XModem), the checksum Redis Cluster uses for key slots. */
function crc16(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit += 1) {
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    }
  }
  return crc;
}

/**
 * The Redis Cluster hash slot of `key`, honouring a `{hash tag}` the way Redis does (the first `{` and the
 * first `}` after it, when something lies between them).
 *
 * @example
 * ```ts
 * clusterSlot('deadbolt:{order:42}:fence') === clusterSlot('deadbolt:{order:42}') // true
 * ```
 */
export function clusterSlot(key: string): number {
  const open = key.indexOf('{');
  let hashed = key;
  if (open >= 0) {
    const close = key.indexOf('}', open + 1);
    if (close > open + 1) hashed = key.slice(open + 1, close);
  }
  return crc16(Buffer.from(hashed, 'utf8')) % CLUSTER_SLOTS;
}
