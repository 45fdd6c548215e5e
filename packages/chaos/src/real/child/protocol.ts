import type { ChildLockSpec } from '../../adapter/ChildLockSpec.js';
import type { ClockState } from '../../world/ClientClock.js';
import type { ProxySpec } from '../connectThrough.js';

/** What a client process is started with. */
export interface ChildInit {
  readonly type: 'init';
  readonly lock: ChildLockSpec;
  readonly proxies: ProxySpec;
  readonly id: number;
  /** Seed of the client's random source (tokens). */
  readonly seed: number;
  /** The reference clock's zero, as `performance.timeOrigin + performance.now()` (ms, shared by both processes). */
  readonly origin: number;
  readonly clock: ClockState;
}

/** Parent → child: start, lock operations (numbered by `op`), and clock faults. */
export type ToChild =
  | ChildInit
  | {
      readonly type: 'acquire';
      readonly op: number;
      readonly key: string | readonly string[];
      readonly ttl: number;
      readonly wait: number;
      /** Counted modes: one of `limit` permits (absent: 1). */
      readonly limit?: number;
      /** A read share (absent: exclusive). */
      readonly shared?: boolean;
    }
  | { readonly type: 'release'; readonly op: number; readonly handle: number }
  | { readonly type: 'extend'; readonly op: number; readonly handle: number }
  | { readonly type: 'close'; readonly op: number }
  | { readonly type: 'clock'; readonly clock: ClockState };

/** The lock operations the child replies to. */
export type Operation = Exclude<ToChild, ChildInit | { readonly type: 'clock' }>;

/** A successful reply (an acquire that got the lock carries its handle). */
export interface OkReply {
  readonly type: 'reply';
  readonly op: number;
  readonly ok: true;
  readonly handle?: HandleInfo;
}

/** A granted lock as the child describes it: `deadline` on the client's clock, when the lock reports validity. */
export interface HandleInfo {
  readonly handle: number;
  readonly token: string;
  readonly fence?: number;
  readonly signal: boolean;
  readonly deadline?: number;
}

/** A rejected operation, cloneable. */
export interface ErrorInfo {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
  readonly reason?: string;
}

/** Child → parent: started, replies, and what changes on its own (renewals move the deadline, losses abort). */
export type FromChild =
  | { readonly type: 'ready' }
  | OkReply
  | { readonly type: 'reply'; readonly op: number; readonly ok: false; readonly error: ErrorInfo }
  | { readonly type: 'deadline'; readonly handle: number; readonly deadline: number }
  | { readonly type: 'abort'; readonly handle: number; readonly reason: ErrorInfo };

/** Makes any thrown value cloneable. */
export function errorInfo(error: unknown): ErrorInfo {
  const e = error as { name?: unknown; message?: unknown; code?: unknown; reason?: unknown } | undefined;
  const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  const code = text(e?.code);
  const reason = text(e?.reason);
  return {
    name: text(e?.name) ?? 'Error',
    message: text(e?.message) ?? String(error),
    ...(code === undefined ? {} : { code }),
    ...(reason === undefined ? {} : { reason }),
  };
}

/** Rebuilds an error from {@link ErrorInfo}: same name, message, `code` and `reason`. */
export function toError(info: ErrorInfo): Error {
  const { name, message, ...rest } = info;
  return Object.assign(new Error(message), { name }, rest);
}
