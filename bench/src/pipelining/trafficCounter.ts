import type { Redis } from 'ioredis';

/** What one ioredis connection has sent since {@link countTraffic} started counting. */
export interface Traffic {
  /** `sendCommand` calls: one per command, whether it went out alone or in an (auto-)pipeline. */
  readonly commands: number;
  /**
   * `write` calls on the connection's socket. Node hands each to the kernel at once (one `write`/`writev`
   * syscall) unless an earlier one is still pending, so this is the syscall count or slightly above it.
   */
  readonly writes: number;
}

/**
 * Counts the commands and socket writes of `redis` (connected) from now on, by wrapping `sendCommand` on the
 * client and `write` on its socket (ioredis writes a command alone, and an auto-pipeline's batch as a whole,
 * through `redis.stream.write`); returns a function that reads the counts.
 *
 * @example
 * ```ts
 * const traffic = countTraffic(redis)
 * await redis.set('k', 'v')
 * traffic() // { commands: 1, writes: 1 }
 * ```
 */
export function countTraffic(redis: Redis): () => Traffic {
  let commands = 0;
  let writes = 0;
  const send = redis.sendCommand.bind(redis);
  redis.sendCommand = (...args: Parameters<Redis['sendCommand']>) => {
    commands++;
    return send(...args);
  };
  const socket = redis.stream;
  const write = socket.write.bind(socket);
  socket.write = ((...args: Parameters<typeof write>) => {
    writes++;
    return write(...args);
  }) as typeof socket.write;
  return () => ({ commands, writes });
}
