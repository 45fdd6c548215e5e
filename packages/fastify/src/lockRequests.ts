import { RequestLocker, type RequestLockReceiver } from '@deadbolt/http';
import type {
  ContextConfigDefault,
  FastifyBaseLogger,
  FastifySchema,
  FastifyTypeProvider,
  FastifyTypeProviderDefault,
  HookHandlerDoneFunction,
  preHandlerHookHandler,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
  RouteGenericInterface,
} from 'fastify';
import type { LockedReply, LockedRequest, LockRequestsOptions, OnBusy } from './LockRequestsOptions.js';
import { sendProblem } from './sendProblem.js';

/**
 * The route hook {@link lockRequests} returns: a callback-style Fastify hook, typed by the route's generics so
 * that it fits `preHandler` and `onRequest` of a typed route (`app.get<{ Params: { id: string } }>(…)`) and
 * `app.addHook`.
 *
 * @example
 * ```ts
 * const hook: LockHook<{ Params: { id: string } }> = lockRequests({ locker, key: (r) => `order:${r.params.id}` })
 * app.get<{ Params: { id: string } }>('/orders/:id', { onRequest: hook }, handler)
 * ```
 */
export type LockHook<
  RouteGeneric extends RouteGenericInterface = RouteGenericInterface,
  ContextConfig = ContextConfigDefault,
  SchemaCompiler extends FastifySchema = FastifySchema,
  TypeProvider extends FastifyTypeProvider = FastifyTypeProviderDefault,
  Logger extends FastifyBaseLogger = FastifyBaseLogger,
> = preHandlerHookHandler<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  RouteGeneric,
  ContextConfig,
  SchemaCompiler,
  TypeProvider,
  Logger
>;

/**
 * A Fastify 5 route hook that serializes requests per resource: it locks the key(s) that `key` derives from the
 * request, waits up to `wait` ms in arrival order, exposes the lock as `request.lock` and releases it exactly
 * once when the response finishes or the client disconnects. Give it to a route as `preHandler` (the body is
 * parsed there, so the key may read it) or `onRequest` (before the body is read: params, query and headers only).
 *
 * - Busy resource: `statusCode` [409] with `Retry-After` and an `application/problem+json` body, sent through
 *   Fastify's reply (its `onSend`/`onResponse` hooks run), or `onBusy`.
 * - Redis down or too slow: 503 with `Retry-After` (fail closed); `failOpen: true` logs and serves unlocked.
 * - Client gone while waiting: the wait stops and leaves nothing in Redis; nothing is answered.
 * - Client gone while the handler runs: the lock is released at once (as with Express) and
 *   `request.lock.signal` aborts (a `LockLostError`, reason `closed`); a handler still running must stop on that
 *   signal, and the fence (`request.lock.fence`) guards its late writes.
 * - Lock lost while the handler runs: `request.lock.signal` aborts; if nothing was sent yet the request is
 *   answered 503 (`urn:deadbolt:problem:lock-lost`) and Fastify discards the handler's later answer (it logs
 *   "Reply was already sent" at warn level).
 * - Route params are matched before any hook runs, so a key built from `request.params` works on a route and in
 *   an app-wide `app.addHook('preHandler', …)` alike. Every unusable key from the client is answered 400.
 *
 * Options are validated here, once; a bad option throws `LockConfigError`. The type parameters are the route's
 * and are inferred from the route the hook is given to, so the key function sees `request.params` typed.
 * Register {@link deadbolt} once so that every request has its `lock` property from the start.
 *
 * @example
 * ```ts
 * import { deadbolt, lockRequests } from '@deadbolt/fastify'
 *
 * await app.register(deadbolt)
 * app.post<{ Params: { id: string } }>(
 *   '/orders/:id/pay',
 *   { preHandler: lockRequests({ locker, key: (request) => `order:${request.params.id}` }) },
 *   async (request) => payments.charge(request.params.id, { fence: request.lock?.fence, signal: request.lock?.signal }),
 * )
 * ```
 */
export function lockRequests<
  RouteGeneric extends RouteGenericInterface = RouteGenericInterface,
  ContextConfig = ContextConfigDefault,
  SchemaCompiler extends FastifySchema = FastifySchema,
  TypeProvider extends FastifyTypeProvider = FastifyTypeProviderDefault,
  Logger extends FastifyBaseLogger = FastifyBaseLogger,
>(
  options: LockRequestsOptions<RouteGeneric, ContextConfig, SchemaCompiler, TypeProvider, Logger>,
): LockHook<RouteGeneric, ContextConfig, SchemaCompiler, TypeProvider, Logger> {
  type Req = LockedRequest<RouteGeneric, ContextConfig, SchemaCompiler, TypeProvider, Logger>;
  type Reply = LockedReply<RouteGeneric, ContextConfig, SchemaCompiler, TypeProvider>;
  const requests = new RequestLocker<
    Req,
    OnBusy<RouteGeneric, ContextConfig, SchemaCompiler, TypeProvider, Logger>
  >(options, 'lockRequests');
  const { logger, onBusy } = requests.config;
  /** One request's own values, the receiver's context. */
  interface Hooked {
    readonly request: Req;
    readonly reply: Reply;
    readonly done: HookHandlerDoneFunction;
  }
  // One receiver for every request of this hook: a request allocates its context only, no closures.
  const receiver: RequestLockReceiver<Hooked> = {
    outcome({ request, reply, done }, outcome) {
      switch (outcome.type) {
        case 'proceed':
          if (outcome.lock !== undefined) request.lock = outcome.lock;
          done();
          return;
        case 'busy':
          if (onBusy === undefined) sendProblem(reply, outcome.info.reply);
          else {
            Promise.resolve(onBusy(request, reply, outcome.info)).catch((error: unknown) => {
              done(error as Error);
            });
          }
          return;
        case 'reply':
          sendProblem(reply, outcome.reply);
          return;
        case 'gone':
          return;
      }
    },
    // `done` hears of any error thrown by `onBusy` (also asynchronously) or by the key function.
    failed: ({ done }, error) => done(error as Error),
    lost({ request, reply }, problem) {
      if (!sendProblem(reply, problem))
        logger.warn(
          `deadbolt: the lock of ${request.method} ${request.url} was lost after the response began.`,
        );
    },
  };

  return function deadboltLockRequests(request: Req, reply: Reply, done: HookHandlerDoneFunction): void {
    const session = requests.open('response');
    // Wired before any await, so no end of the response can be missed. `close` alone tells both ends: Node emits
    // it a tick after `finish`, or when the client went away; a `finish` listener beside Node's own would make
    // the response copy its listeners at every emit. `on`, not `once`, which would wrap the listener.
    reply.raw.on('close', () => session.responseDone());
    // Not async, and no closure per outcome: a request that proceeds allocates no promise for it.
    session.start(request, request.params, receiver, { request, reply, done });
  };
}
