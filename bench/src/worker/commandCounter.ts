import { Redis } from 'ioredis';

let sent = 0;
let installed = false;

/**
 * Counts every command any ioredis connection in this process sends (each is one round trip), by wrapping
 * `Redis.prototype.sendCommand` once. Subscriber connections a library duplicates are counted as well.
 */
export function countCommands(): void {
  if (installed) return;
  installed = true;
  // eslint-disable-next-line @typescript-eslint/unbound-method -- rebound below with the caller's `this`.
  const original = Redis.prototype.sendCommand;
  Redis.prototype.sendCommand = function (this: Redis, ...args: Parameters<Redis['sendCommand']>) {
    sent += 1;
    return original.apply(this, args);
  };
}

/** Commands sent since the process started. */
export function commandsSent(): number {
  return sent;
}
