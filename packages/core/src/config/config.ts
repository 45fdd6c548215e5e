import { performance } from 'node:perf_hooks';
import { LockConfigError } from '../errors/LockConfigError.js';
import type { LockLostError } from '../errors/LockLostError.js';
import type { Lock } from '../lease/Lock.js';
import { modeSuffix } from './mode.js';
import type { AcquireOptions, LockerOptions, LockLogger } from './options.js';
import { replicasOption, type ReplicaConfig } from '../replicas/replicasOption.js';
import {
  booleanOption,
  describe,
  functionOption,
  loggerOption,
  positiveDuration,
  refuseUnknownOptions,
  ttlDuration,
  waitDuration,
} from './validate.js';

/** The locker's options after validation, with every default filled in. */
export interface LockerConfig {
  readonly prefix: string;
  readonly ttl: number;
  readonly wait: number;
  readonly renew: boolean;
  readonly fair: boolean;
  readonly driftFactor: number;
  readonly commandTimeout: number;
  readonly onLockLost: ((error: LockLostError, lock: Lock) => void) | undefined;
  readonly now: () => number;
  readonly logger: LockLogger | undefined;
  /** `WAIT` confirmation of grants and renewals; undefined when off. */
  readonly replicas: ReplicaConfig | undefined;
}

/** One acquire's settings after validation. */
export interface AcquireConfig {
  readonly ttl: number;
  readonly wait: number;
  readonly renew: boolean;
  readonly fair: boolean;
  readonly signal: AbortSignal | undefined;
  readonly interruptFirstAttempt: boolean;
  /** The mode as an owner token suffix: `''` exclusive, `~s` shared, `~N` one of N permits (see `config/mode.ts`). */
  readonly mode: string;
}

const LOCKER_OPTIONS = [
  'prefix',
  'ttl',
  'wait',
  'renew',
  'fair',
  'driftFactor',
  'commandTimeout',
  'onLockLost',
  'now',
  'logger',
  'replicas',
] as const satisfies readonly (keyof LockerOptions)[];
const ACQUIRE_OPTIONS = [
  'ttl',
  'wait',
  'signal',
  'interruptFirstAttempt',
  'renew',
  'fair',
  'limit',
  'shared',
] as const satisfies readonly (keyof AcquireOptions)[];

/** Validates the locker's options once and fills in the defaults. Throws `LockConfigError`. */
export function resolveLockerConfig(options: LockerOptions = {}): LockerConfig {
  if (typeof options !== 'object' || options === null) {
    throw new LockConfigError(`Locker options must be an object, got ${describe(options)}.`);
  }
  const given = withoutUndefined(options);
  refuseUnknownOptions(given, LOCKER_OPTIONS, 'createLocker options');
  return {
    prefix: prefixOption(given.prefix ?? 'deadbolt'),
    ttl: ttlDuration('ttl', given.ttl ?? 10_000),
    wait: waitDuration('wait', given.wait ?? 10_000),
    renew: booleanOption('renew', given.renew ?? true),
    fair: booleanOption('fair', given.fair ?? true),
    driftFactor: driftFactorOption(given.driftFactor ?? 0.01),
    commandTimeout: positiveDuration('commandTimeout', given.commandTimeout ?? 1_000),
    onLockLost: given.onLockLost === undefined ? undefined : functionOption('onLockLost', given.onLockLost),
    now: given.now === undefined ? () => performance.now() : functionOption('now', given.now),
    logger: given.logger === undefined ? undefined : loggerOption(given.logger),
    replicas: given.replicas === undefined ? undefined : replicasOption(given.replicas),
  };
}

/** Validates one call's options against the locker's defaults. Throws `LockConfigError`. */
export function resolveAcquireConfig(locker: LockerConfig, options: AcquireOptions = {}): AcquireConfig {
  if (typeof options !== 'object' || options === null) {
    throw new LockConfigError(`Acquire options must be an object, got ${describe(options)}.`);
  }
  // Hot path (every acquire): the unknown-option check walks the keys without copying the object.
  const given = options;
  for (const name in given) {
    if (
      given[name as keyof AcquireOptions] !== undefined &&
      !(ACQUIRE_OPTIONS as readonly string[]).includes(name)
    ) {
      refuseUnknownOptions({ [name]: true }, ACQUIRE_OPTIONS, 'acquire options');
    }
  }
  const signal = given.signal;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new LockConfigError(`"signal" must be an AbortSignal, got ${describe(signal)}.`);
  }
  return {
    ttl: given.ttl === undefined ? locker.ttl : ttlDuration('ttl', given.ttl),
    wait: given.wait === undefined ? locker.wait : waitDuration('wait', given.wait),
    renew: given.renew === undefined ? locker.renew : booleanOption('renew', given.renew),
    fair: given.fair === undefined ? locker.fair : booleanOption('fair', given.fair),
    signal,
    interruptFirstAttempt:
      given.interruptFirstAttempt === undefined
        ? true
        : booleanOption('interruptFirstAttempt', given.interruptFirstAttempt),
    mode:
      given.limit === undefined && given.shared === undefined ? '' : modeSuffix(given.limit, given.shared),
  };
}

/** Clock drift allowance for a lease of `ttl` ms, as in the Redlock reference: `floor(ttl × factor) + 2`. */
export function driftFor(ttl: number, driftFactor: number): number {
  return Math.floor(ttl * driftFactor) + 2;
}

function prefixOption(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 64 || /[{}\s]/.test(value)) {
    throw new LockConfigError(
      `"prefix" must be a non-empty string of at most 64 characters without braces or white space, got ${describe(value)}.`,
    );
  }
  return value;
}

function driftFactorOption(value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value >= 0.5) {
    throw new LockConfigError(
      `"driftFactor" must be a number from 0 up to (not including) 0.5, got ${describe(value)}.`,
    );
  }
  return value;
}

/** `{ x: undefined }` counts as "not set", as users expect from spread defaults. */
function withoutUndefined<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<T>;
}
