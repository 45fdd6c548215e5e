// Prelude "locker" for documentation code blocks (see test/docs/codeBlocks.test.ts): a locker made earlier in the
// app, and the app's logger and metrics exporters that the observability example feeds.
import type { Histogram, Locker } from '@deadbolt/core';

declare const locker: Locker;
declare const log: { warn(fields: object, message: string): void };
declare const heldGauge: { set(value: number): void };
declare const waitHistogram: { record(histogram: Histogram): void };

export {};
