import type { BusyInfo, RequestLockOptions } from '@deadbolt/http';
import type {
  ContextConfigDefault,
  FastifyBaseLogger,
  FastifyReply,
  FastifyRequest,
  FastifySchema,
  FastifyTypeProvider,
  FastifyTypeProviderDefault,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
  RouteGenericInterface,
} from 'fastify';

/**
 * The request the key function and `onBusy` get: Fastify's, typed by the route's generics (`Params`, `Querystring`,
 * `Body`, `Headers`), its context config, schema and type provider, on Fastify's default Node HTTP server.
 *
 * @example
 * ```ts
 * const key = (request: LockedRequest<{ Params: { id: string } }>) => `order:${request.params.id}`
 * ```
 */
export type LockedRequest<
  RouteGeneric extends RouteGenericInterface = RouteGenericInterface,
  ContextConfig = ContextConfigDefault,
  SchemaCompiler extends FastifySchema = FastifySchema,
  TypeProvider extends FastifyTypeProvider = FastifyTypeProviderDefault,
  Logger extends FastifyBaseLogger = FastifyBaseLogger,
> = FastifyRequest<
  RouteGeneric,
  RawServerDefault,
  RawRequestDefaultExpression,
  SchemaCompiler,
  TypeProvider,
  ContextConfig,
  Logger
>;

/**
 * The reply `onBusy` gets: Fastify's, typed like {@link LockedRequest}.
 *
 * @example
 * ```ts
 * const busy = (reply: LockedReply) => reply.code(423).send({ retry: true })
 * ```
 */
export type LockedReply<
  RouteGeneric extends RouteGenericInterface = RouteGenericInterface,
  ContextConfig = ContextConfigDefault,
  SchemaCompiler extends FastifySchema = FastifySchema,
  TypeProvider extends FastifyTypeProvider = FastifyTypeProviderDefault,
> = FastifyReply<
  RouteGeneric,
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  ContextConfig,
  SchemaCompiler,
  TypeProvider
>;

/**
 * The `onBusy` hook: answers a request whose resource stayed busy (after `wait`) instead of the default
 * `statusCode` + `Retry-After` + `application/problem+json` reply (which `info.reply` holds), with
 * `reply.code(…).send(…)`: it must answer, as the route's handler does not run after it. A thrown error or
 * rejected promise goes to Fastify's error handler.
 *
 * @example
 * ```ts
 * const onBusy: OnBusy = (_request, reply, info) => void reply.code(423).send({ busy: info.keys })
 * ```
 */
export type OnBusy<
  RouteGeneric extends RouteGenericInterface = RouteGenericInterface,
  ContextConfig = ContextConfigDefault,
  SchemaCompiler extends FastifySchema = FastifySchema,
  TypeProvider extends FastifyTypeProvider = FastifyTypeProviderDefault,
  Logger extends FastifyBaseLogger = FastifyBaseLogger,
> = (
  request: LockedRequest<RouteGeneric, ContextConfig, SchemaCompiler, TypeProvider, Logger>,
  reply: LockedReply<RouteGeneric, ContextConfig, SchemaCompiler, TypeProvider>,
  info: BusyInfo,
) => void | Promise<void>;

/**
 * Options of {@link lockRequests} for Fastify. `locker` and `key` are required; defaults are listed per field.
 * The type parameters are the route's (as in `app.get<RouteGeneric>`), so the key function sees `request.params`
 * typed; they are inferred from the route the hook is given to.
 *
 * | option         | default            | meaning                                                                 |
 * | -------------- | ------------------ | ----------------------------------------------------------------------- |
 * | `locker`       | required           | the `Locker` from `createLocker(redis)`                                 |
 * | `key`          | required           | `(request) => string \| string[] \| undefined \| false` (may be async)  |
 * | `wait`         | `5_000`            | ms to wait in FIFO order for a busy key; `0` = answer busy at once      |
 * | `ttl`          | the locker's       | lease length in ms (renewed while the request runs)                     |
 * | `statusCode`   | `409`              | status of the busy answer                                               |
 * | `onBusy`       | problem+json       | `(request, reply, info)` answers a busy request instead                 |
 * | `failOpen`     | `false`            | serve without the lock while Redis is down (logged once per outage)     |
 * | `retryAfter`   | `defaultRetryAfter` | seconds, or a function of `RetryAfterInfo` (see `defaultRetryAfter`)   |
 * | `logger`       | `console`          | where outages, release failures and misuse are reported                 |
 * | `maxHold`      | none               | ms a request may hold the lock; then its signal aborts and it gets 503  |
 * | `maxKeys`      | `16`               | distinct keys one request may lock; more answers 400                    |
 * | `onMissingKey` | `'reject'`         | a key function returning `undefined`: 400 (`'reject'`) or unlocked      |
 * | `mode`         | `'exclusive'`      | `'shared'`: shared requests run together; or `(request) => mode`       |
 * | `limit`        | none               | at most N requests on a key at once; or `(request) => N`                |
 *
 * @example
 * ```ts
 * const options: LockRequestsOptions<{ Params: { id: string } }> = {
 *   locker,
 *   key: (request) => `order:${request.params.id}`,
 *   wait: 2_000,
 * }
 * ```
 */
export type LockRequestsOptions<
  RouteGeneric extends RouteGenericInterface = RouteGenericInterface,
  ContextConfig = ContextConfigDefault,
  SchemaCompiler extends FastifySchema = FastifySchema,
  TypeProvider extends FastifyTypeProvider = FastifyTypeProviderDefault,
  Logger extends FastifyBaseLogger = FastifyBaseLogger,
> = RequestLockOptions<
  LockedRequest<RouteGeneric, ContextConfig, SchemaCompiler, TypeProvider, Logger>,
  OnBusy<RouteGeneric, ContextConfig, SchemaCompiler, TypeProvider, Logger>
>;
