import type { ScriptClient } from '../redis/RedisClient.js';
import type { GlideClientLike } from './clientShapes.js';
import { GlideSubscriber, type GlideClientFactory, type GlideSubscriberClient } from './GlideSubscriber.js';
import { hasMethods } from './hasMethods.js';
import type { RedisDriver } from './RedisDriver.js';

/** GLIDE's `Decoder.String`: replies as strings, whatever the client's `defaultDecoder`. */
const DECODE_STRINGS = 1;

/** A GLIDE client as deadbolt reads it at run time (beyond its typed shape). */
interface GlideRuntime extends GlideClientLike {
  customCommand(
    args: string[],
    options?: { decoder?: number; route?: { type: 'primarySlotKey'; key: string } },
  ): Promise<unknown>;
  /** The configuration the client was created with: TypeScript-private in GLIDE, read to open the subscriber. */
  readonly config?: unknown;
  readonly constructor: { createClient?: (options: object) => Promise<GlideSubscriberClient> };
}

/**
 * Whether `value` looks like a Valkey GLIDE client or Cluster client (`@valkey/valkey-glide` 2.x): recognised
 * by shape (`customCommand`, `invokeScript`), never by class.
 */
export function isGlideLike(value: unknown): value is GlideClientLike {
  return hasMethods(value, 'customCommand', 'invokeScript');
}

/** Whether a GLIDE client is a `GlideClusterClient`: only it has the sharded pub/sub commands. */
function isGlideCluster(client: GlideClientLike): boolean {
  return hasMethods(client, 'ssubscribe', 'invokeScriptWithRoute');
}

/**
 * The {@link RedisDriver} of a Valkey GLIDE client or Cluster client. Scripts go through `customCommand`
 * (`EVALSHA`, `EVAL`), decoded as strings; a Cluster client sends each to the primary of its first key's slot.
 * GLIDE tells no connection state, so deadbolt just sends: while Redis is down a call fails at GLIDE's
 * `requestTimeout` (250 ms by default) or deadbolt's `commandTimeout`, whichever comes first. GLIDE words a
 * missing script as `NoScriptError`; the driver reports it as Redis does (`NOSCRIPT`), so deadbolt loads it
 * again. Wake-ups use a new client of the same class and configuration (deadbolt's, closed on
 * `locker.close()`); a Cluster client has none (waiters poll, as on the other clients' Clusters).
 *
 * @example
 * ```ts
 * const driver = glideDriver(await GlideClient.createClient({ addresses: [{ host: 'localhost', port: 6379 }] }))
 * ```
 */
export function glideDriver(client: GlideClientLike): RedisDriver {
  const runtime = client as GlideRuntime;
  const isCluster = isGlideCluster(client);
  const run = (command: 'EVALSHA' | 'EVAL', head: string, numKeys: number, args: (string | number)[]) => {
    const words = [command, head, String(numKeys), ...args.map(String)];
    const key = args[0];
    const route =
      isCluster && numKeys > 0 ? { type: 'primarySlotKey' as const, key: String(key) } : undefined;
    return runtime.customCommand(words, { decoder: DECODE_STRINGS, ...(route && { route }) });
  };
  const scripts: ScriptClient = {
    isCluster,
    evalsha: (sha, numKeys, ...args) => run('EVALSHA', sha, numKeys, args).catch(asNoScript),
    eval: (source, numKeys, ...args) => run('EVAL', source, numKeys, args),
  };
  const command = (words: readonly string[]): Promise<unknown> =>
    runtime.customCommand([...words], { decoder: DECODE_STRINGS });
  const factory = subscriberFactory(runtime);
  if (isCluster || !factory) return { kind: 'glide', isCluster, scripts, command };
  return {
    kind: 'glide',
    isCluster,
    scripts,
    subscriber: (timeout) => new GlideSubscriber(factory, timeout),
    command,
  };
}

/** GLIDE's `NoScriptError` as Redis words it (`NOSCRIPT …`), which is how deadbolt recognises it. */
function asNoScript(error: unknown): never {
  const message = error instanceof Error ? error.message : String(error);
  if (!message.includes('NoScriptError')) throw error;
  throw new Error(`NOSCRIPT ${message}`, { cause: error });
}

/**
 * How to open a client like `client` for the subscriber: its class's `createClient` with the configuration it
 * was created with. Undefined when GLIDE keeps either somewhere else (waiters then poll).
 */
function subscriberFactory(client: GlideRuntime): GlideClientFactory | undefined {
  const { config } = client;
  const { createClient } = client.constructor;
  if (typeof config !== 'object' || config === null || typeof createClient !== 'function') return undefined;
  return { config, createClient: (options) => createClient.call(client.constructor, options) };
}
