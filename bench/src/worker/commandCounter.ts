import { Redis } from 'ioredis';
import { createClient } from 'redis';

let sent = 0;
let installed = false;

/** Makes `owner[name]` count one command per call, keeping its behaviour and `this`. */
function countCalls(owner: object, name: string): void {
  const original = (owner as Record<string, unknown>)[name];
  if (typeof original !== 'function') throw new Error(`cannot count commands: no ${name} to wrap`);
  (owner as Record<string, unknown>)[name] = function (this: unknown, ...args: unknown[]) {
    sent += 1;
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  };
}

/** The object on `client`'s prototype chain that defines `sendCommand` (node-redis's RedisClient.prototype). */
function sendCommandOwner(client: object): object {
  for (
    let proto: object | null = client;
    proto !== null;
    proto = Object.getPrototypeOf(proto) as object | null
  ) {
    if (Object.hasOwn(proto, 'sendCommand')) return proto;
  }
  throw new Error('cannot count commands: node-redis client without sendCommand');
}

/**
 * Counts every command any ioredis or node-redis connection in this process sends (each is one round trip), by
 * wrapping `sendCommand` once on each client's class (node-redis's typed commands and scripts all go through it).
 * Subscriber connections a library duplicates are counted as well.
 */
export function countCommands(): void {
  if (installed) return;
  installed = true;
  countCalls(Redis.prototype, 'sendCommand');
  countCalls(sendCommandOwner(createClient()), 'sendCommand');
}

/** Commands sent since the process started. */
export function commandsSent(): number {
  return sent;
}
