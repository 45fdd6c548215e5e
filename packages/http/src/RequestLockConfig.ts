import { LockConfigError, Locker } from '@deadbolt/core';
import {
  booleanOption,
  describe,
  functionOption,
  isBranded,
  loggerOption,
  positiveDuration,
  ttlDuration,
  refuseUnknownOptions,
  waitDuration,
} from '@deadbolt/core/validate';
import type {
  AnyFunction,
  MissingKeyPolicy,
  RequestKey,
  RequestLockLogger,
  RequestLockOptions,
  RetryAfterInfo,
} from './RequestLockOptions.js';
import { resolveModeOf, type ModeOf } from './requestMode.js';
import { defaultRetryAfter } from './retryAfter.js';

/** The options of a request lock after validation, with every default filled in. */
export interface RequestLockConfig<Req, OnBusy extends AnyFunction = never> {
  readonly locker: Locker;
  readonly key: (request: Req) => RequestKey | Promise<RequestKey>;
  readonly wait: number;
  readonly ttl: number | undefined;
  readonly statusCode: number;
  readonly failOpen: boolean;
  readonly retryAfter: (info: RetryAfterInfo) => number;
  readonly logger: RequestLockLogger;
  readonly maxHold: number | undefined;
  readonly maxKeys: number;
  readonly onMissingKey: MissingKeyPolicy;
  /** The adapter's busy hook; `undefined`: write `info.reply`. */
  readonly onBusy: OnBusy | undefined;
  /** From `mode` and `limit`: each request's acquire mode; `undefined` when every request is exclusive. */
  readonly modeOf: ModeOf<Req> | undefined;
}

const KNOWN = [
  'locker',
  'key',
  'wait',
  'ttl',
  'statusCode',
  'failOpen',
  'retryAfter',
  'logger',
  'maxHold',
  'onBusy',
  'maxKeys',
  'onMissingKey',
  'mode',
  'limit',
] as const satisfies readonly (keyof RequestLockOptions<unknown>)[];

/**
 * Validates a request lock's options once, when the middleware is created, and fills in the defaults.
 * `where` names the middleware in messages; `extra` lists the adapter's own option names. Throws
 * `LockConfigError` with a message that names the option and what it accepts.
 */
export function resolveRequestLockConfig<Req, OnBusy extends AnyFunction = never>(
  options: RequestLockOptions<Req, OnBusy>,
  where: string,
  extra: readonly string[] = [],
): RequestLockConfig<Req, OnBusy> {
  if (typeof options !== 'object' || options === null) {
    throw new LockConfigError(`${where}() needs an options object with "locker" and "key".`);
  }
  const given = Object.fromEntries(
    Object.entries(options).filter(([, value]) => value !== undefined),
  ) as Partial<RequestLockOptions<Req, OnBusy>>;
  refuseUnknownOptions(given, [...KNOWN, ...extra], `${where}() options`);
  if (!isBranded(Locker, given.locker)) {
    throw new LockConfigError(
      `${where}() needs "locker": a Locker made by createLocker(redis), got ${describe(given.locker)}.`,
    );
  }
  if (typeof given.key !== 'function') {
    throw new LockConfigError(
      `${where}() needs "key": a function of the request that returns the key(s) to lock, got ${describe(given.key)}.`,
    );
  }
  return {
    locker: given.locker,
    key: given.key,
    wait: waitDuration('wait', given.wait ?? 5_000),
    ttl: given.ttl === undefined ? undefined : ttlDuration('ttl', given.ttl),
    statusCode: statusCodeOption(given.statusCode ?? 409),
    failOpen: booleanOption('failOpen', given.failOpen ?? false),
    retryAfter: retryAfterOption(given.retryAfter),
    logger: loggerOption(given.logger ?? console),
    maxHold: given.maxHold === undefined ? undefined : positiveDuration('maxHold', given.maxHold),
    maxKeys: given.maxKeys === undefined ? 16 : maxKeysOption(given.maxKeys),
    onMissingKey: missingKeyOption(given.onMissingKey ?? 'reject'),
    onBusy: given.onBusy === undefined ? undefined : functionOption<OnBusy>('onBusy', given.onBusy),
    modeOf: resolveModeOf(given),
  };
}

function statusCodeOption(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 400 || value > 599) {
    throw new LockConfigError(
      `"statusCode" must be an integer HTTP error status from 400 to 599, got ${describe(value)}.`,
    );
  }
  return value;
}

function retryAfterOption(value: unknown): (info: RetryAfterInfo) => number {
  if (value === undefined) return defaultRetryAfter;
  if (typeof value === 'function') {
    const compute = value as (info: RetryAfterInfo) => unknown;
    return (info) => seconds(compute(info), defaultRetryAfter(info));
  }
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new LockConfigError(
      `"retryAfter" must be a non-negative integer number of seconds or a function, got ${describe(value)}.`,
    );
  }
  return () => value;
}

/** A user function's answer as whole seconds; a nonsensical answer falls back to the default. */
function seconds(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.ceil(value) : fallback;
}

function maxKeysOption(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new LockConfigError(`"maxKeys" must be a positive integer, got ${describe(value)}.`);
  }
  return value;
}

function missingKeyOption(value: unknown): MissingKeyPolicy {
  if (value !== 'reject' && value !== 'skip') {
    throw new LockConfigError(`"onMissingKey" must be 'reject' or 'skip', got ${describe(value)}.`);
  }
  return value;
}
