import type { Locker } from '@deadbolt/core';
import type { RequestLock } from '../RequestLock.js';
import type { RequestKey } from '../RequestLockOptions.js';

/** The public shape of a request's lock (`req.lock` in Express, `ctx.state.lock` in Koa). */
type HeldLock = Pick<
  RequestLock,
  'key' | 'keys' | 'token' | 'fence' | 'signal' | 'deadline' | 'held' | 'remaining' | 'extend'
>;

/** What a test key function sees of a request, whatever the framework. */
export interface KeyInput {
  readonly params: Readonly<Record<string, unknown>> | undefined;
  readonly query: Readonly<Record<string, unknown>>;
}

/** One call of the test handler on `GET /items/:id`. */
export interface HandlerCall {
  readonly id: string;
  readonly query: Readonly<Record<string, unknown>>;
  readonly lock: HeldLock | undefined;
  /** Resolves when the server-side response emits `close` (finished or client gone). */
  readonly closed: Promise<void>;
}

/** What the handler answers: JSON, a streamed text body, or nothing (it gave up). */
export type HandlerReply =
  { readonly status: number; readonly json: unknown } | { readonly chunks: AsyncIterable<string> } | 'none';

/** One test app: a `GET /items/:id` route, locked or not. */
export interface AppSpec {
  readonly locker: Locker;
  readonly handler: (call: HandlerCall) => HandlerReply | Promise<HandlerReply>;
  /** Default: `item:${params.id}`. */
  readonly key?: (input: KeyInput) => RequestKey;
  /** Further middleware options (wait, ttl, failOpen, logger, statusCode, retryAfter, maxHold). */
  readonly options?: Readonly<Record<string, unknown>>;
  /** Mount the middleware on the route (default) or with `app.use`. */
  readonly mount?: 'route' | 'use';
  /** Without the middleware at all. Default `true`. */
  readonly locked?: boolean;
  /** The middleware's `mode` as a function of the request (a fixed mode goes in `options`); see `modeOptions`. */
  readonly mode?: (input: KeyInput) => unknown;
  /** The middleware's `limit` as a function of the request (a fixed limit goes in `options`). */
  readonly limit?: (input: KeyInput) => unknown;
  /** Install an `onBusy` that answers 423 `{ custom: true }`. */
  readonly customBusy?: boolean;
}

/** A framework version under test. */
export interface Harness {
  readonly name: string;
  /** Express releases when the response ends; Koa after both the response ended and the handler completed. */
  readonly releaseAfterHandler: boolean;
  /**
   * The framework matches the route params before any middleware runs (Fastify's hooks), so a key built from them
   * works app-wide too: the suite then checks that `mount: 'use'` locks per route instead of reporting the
   * `ERR_LOCK_KEY_UNMOUNTED` misuse, which cannot happen there. Default `false`.
   */
  readonly routeParamsEverywhere?: boolean;
  /** Starts the app on a free port; resolves its base URL and a function that closes it. */
  serve(spec: AppSpec): Promise<{ readonly url: string; close(): Promise<void> }>;
}

/** The default test key: one lock per item id. */
export function itemKey(input: KeyInput): RequestKey {
  return `item:${String(input.params?.['id'])}`;
}

/**
 * The spec's `mode` and `limit` functions as middleware options over the framework's request, which `input`
 * turns into what the suite's functions read; spread them into the options like `spec.options`.
 *
 * @example
 * ```ts
 * lockRequests({ locker, key, ...modeOptions(spec, (req) => ({ params: req.params, query: req.query })) })
 * ```
 */
export function modeOptions<Req>(
  spec: AppSpec,
  input: (request: Req) => KeyInput,
): Readonly<Record<string, unknown>> {
  const { mode, limit } = spec;
  return {
    ...(mode === undefined ? {} : { mode: (request: Req) => mode(input(request)) }),
    ...(limit === undefined ? {} : { limit: (request: Req) => limit(input(request)) }),
  };
}
