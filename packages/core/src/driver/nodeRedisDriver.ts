import type { ScriptClient } from '../redis/RedisClient.js';
import type { NodeRedisClient, NodeRedisEvalOptions } from './clientShapes.js';
import { hasMethods } from './hasMethods.js';
import { NodeRedisSubscriber, type NodeRedisSubscriberClient } from './NodeRedisSubscriber.js';
import type { RedisDriver } from './RedisDriver.js';

/** A node-redis client or Cluster as deadbolt reads it at run time (beyond its typed shape). */
interface NodeRedisRuntime extends NodeRedisClient {
  ping?(): Promise<unknown>;
  wait?(numReplicas: number, timeout: number): Promise<unknown>;
  once?(event: 'ready', listener: () => void): unknown;
  readonly duplicate?: () => NodeRedisSubscriberClient;
  readonly sendCommand?: (words: string[]) => Promise<unknown>;
  readonly options?: { keyPrefix?: unknown };
}

/**
 * node-redis writes every command queued in one turn of the event loop in one write (it flushes on
 * `setImmediate`), so commands sent one after the other in the same turn already leave together: there is
 * nothing to cork.
 */
const ONE_WRITE_PER_TURN = { cork(): void {}, uncork(): void {} };

/**
 * Whether `value` looks like a node-redis client or Cluster (`redis` or `@redis/client`, versions 5 and 6):
 * recognised by shape (`evalSha`, `eval`, `isOpen`), never by class.
 */
export function isNodeRedisLike(value: unknown): value is NodeRedisClient {
  return hasMethods(value, 'evalSha', 'eval') && 'isOpen' in (value as object);
}

/** Whether a node-redis connection is a Cluster (from `createCluster`): it knows its masters. */
function isNodeRedisCluster(client: NodeRedisClient): boolean {
  return 'masters' in client && 'nodeByAddress' in client;
}

/**
 * The {@link RedisDriver} of a node-redis client or Cluster. Scripts go as EVALSHA/EVAL by `sendCommand` on a
 * single client, and by `evalSha`/`eval` with `{ keys, arguments }` on a Cluster (which routes them by their
 * first key) or a client with a `keyPrefix`; the connection state comes from
 * `isOpen`/`isReady`, so deadbolt refuses a call while the connection is down instead of leaving it in the
 * offline queue, whatever `disableOfflineQueue` says. Wake-ups use a `duplicate()` of a single client,
 * connected by deadbolt and destroyed on `locker.close()`.
 *
 * @example
 * ```ts
 * const driver = nodeRedisDriver(await createClient({ RESP: 3 }).connect())
 * ```
 */
export function nodeRedisDriver(client: NodeRedisClient): RedisDriver {
  const runtime = client as NodeRedisRuntime;
  const isCluster = isNodeRedisCluster(client);
  let wasReady = client.isReady === true;
  if (!wasReady) runtime.once?.('ready', () => (wasReady = true));
  const scripts: ScriptClient = {
    get status() {
      if (client.isReady ?? client.isOpen) return 'ready';
      // Open but not ready: connecting the first time (calls wait for it, bounded), or reconnecting.
      return !client.isOpen ? 'end' : wasReady ? 'reconnecting' : 'connecting';
    },
    isCluster,
    ...scriptCalls(client, isCluster),
    ...(!isCluster &&
      typeof runtime.ping === 'function' && {
        stream: ONE_WRITE_PER_TURN,
        ping: () => (runtime.ping as () => Promise<unknown>).call(client),
      }),
    ...(!isCluster &&
      typeof runtime.wait === 'function' && {
        wait: (replicas: number, timeout: number) =>
          (runtime.wait as (r: number, t: number) => Promise<unknown>).call(client, replicas, timeout),
      }),
  };
  const { duplicate, sendCommand } = runtime;
  // A Cluster's sendCommand needs a key to route by: no plain commands there.
  const command = !isCluster &&
    typeof sendCommand === 'function' && {
      command: (words: readonly string[]) => sendCommand.call(client, [...words]),
    };
  if (isCluster || typeof duplicate !== 'function') {
    return { kind: 'node-redis', isCluster, scripts, ...command };
  }
  const prefix = keyPrefixOf(runtime);
  return {
    kind: 'node-redis',
    isCluster,
    scripts,
    subscriber: (timeout) => new NodeRedisSubscriber(duplicate.call(client), prefix, timeout),
    ...command,
  };
}

/** The `evalsha` and `eval` of a node-redis client or Cluster; see {@link nodeRedisDriver}. */
type ScriptCalls = Pick<ScriptClient, 'evalsha' | 'eval'>;

/**
 * A single client without a `keyPrefix` gets the script's words as they go on the wire, by `sendCommand`:
 * node-redis' typed `evalSha`/`eval` end in the same call, with the same command options and no transform of
 * the reply, after building a parser and two more promises per call. A Cluster (which routes by the parsed
 * first key) and a client whose `keyPrefix` must prefix the keys take the typed commands.
 */
function scriptCalls(client: NodeRedisClient, isCluster: boolean): ScriptCalls {
  const runtime = client as NodeRedisRuntime;
  if (isCluster || typeof runtime.sendCommand !== 'function' || keyPrefixOf(runtime) !== '') {
    return {
      evalsha: (sha, numKeys, ...args) => client.evalSha(sha, evalOptions(numKeys, args)),
      eval: (source, numKeys, ...args) => client.eval(source, evalOptions(numKeys, args)),
    };
  }
  // Looked up at each call, as the typed commands do, so a wrapped `sendCommand` sees every command.
  const send = (words: string[]): Promise<unknown> =>
    (runtime.sendCommand as (words: string[]) => Promise<unknown>).call(client, words);
  return {
    evalsha: (sha, numKeys, ...args) => send(scriptWords('EVALSHA', sha, numKeys, args)),
    eval: (source, numKeys, ...args) => send(scriptWords('EVAL', source, numKeys, args)),
  };
}

/** `EVALSHA sha numkeys key… arg…` (or EVAL), every word a string as node-redis sends it. */
function scriptWords(
  command: string,
  script: string,
  numKeys: number,
  args: readonly (string | number)[],
): string[] {
  const words = [command, script, String(numKeys)];
  for (const arg of args) words.push(String(arg));
  return words;
}

/** Splits Redis' flat `numkeys key… arg…` into node-redis' options; arguments must be strings there. */
function evalOptions(numKeys: number, args: readonly (string | number)[]): NodeRedisEvalOptions {
  const keys: string[] = [];
  const rest: string[] = [];
  for (let index = 0; index < args.length; index++) (index < numKeys ? keys : rest).push(String(args[index]));
  return { keys, arguments: rest };
}

/** node-redis 6's `keyPrefix` (a string or a Buffer); '' when none. */
function keyPrefixOf(client: NodeRedisRuntime): string {
  const prefix = client.options?.keyPrefix;
  return typeof prefix === 'string' || Buffer.isBuffer(prefix) ? prefix.toString() : '';
}
