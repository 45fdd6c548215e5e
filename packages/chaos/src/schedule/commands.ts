import fc from 'fast-check';
import type { ChaosWorld as World } from '../world/ChaosWorld.js';
import { contentionCommands } from './contention.js';
import type { ChaosFault } from './faults.js';
import { hit } from './hit.js';
import { serverFaultCommands } from './serverFaults.js';
import { clockStepCommands } from './clockStep.js';
import { Step, type ChaosModel } from './Step.js';
import { multiSlotCommands } from './multiSlot.js';
import { idleGapCommands } from './idleGap.js';
import { sideLockCommands } from './sideLock.js';
import { lateExtendCommands } from './lateExtend.js';
import { waiterFaultCommands } from './waiterFaults.js';

export type { ChaosModel } from './Step.js';
/** Parameters of the schedule generator. */
export interface ScheduleShape {
  readonly clients: number;
  readonly ttl: number;
  readonly faults: readonly ChaosFault[];
  readonly bounds: 'within' | 'beyond';
  readonly driftFactor: number;
  /** Redis nodes that server faults can hit. Default `1`. */
  readonly nodes?: number;
  /** Add the contention steps (`rush`, more releases): see `ChaosOptions.contention`. Default `false`. */
  readonly contention?: boolean;
  /** Share of acquires drawn as read shares (`ChaosOptions.sharedRatio`). Default `0`: nothing more is drawn. */
  readonly sharedRatio?: number;
  /** How long the lock's keys may outlive their last use at this ttl (`LockAdapter.keyLifetime`), for `idleGap`. Default: the ttl. */
  readonly keyLifetime?: number;
}

/**
 * Whether each acquire asks for a read share: with a `sharedRatio` of 0 a constant (nothing drawn, so that seeds
 * recorded without it replay unchanged), else drawn with that probability.
 *
 * @example
 * ```ts
 * fc.tuple(fc.nat(4), sharedDraw(0.5)).map(([i, shared]) => ...)
 * ```
 */
export function sharedDraw(sharedRatio = 0): fc.Arbitrary<boolean> {
  if (sharedRatio <= 0) return fc.constant(false);
  if (sharedRatio >= 1) return fc.constant(true);
  return fc.integer({ min: 0, max: 9_999 }).map((n) => n < Math.round(sharedRatio * 10_000));
}

/** ` shared` in a step's label for a read share, nothing otherwise. */
export function sharedLabel(shared: boolean): string {
  return shared ? ', shared' : '';
}

/**
 * The fast-check command arbitraries of a schedule: acquire, release, extend, work, time passing, and the chosen
 * faults, sized from the ttl. Within the bounds, clock jumps go forward and drift stays under the lock's factor;
 * beyond them, clocks jump back and run slow and holders stall past their validity.
 *
 * @example
 * ```ts
 * fc.commands(scheduleCommands({ clients: 5, ttl: 1000, faults: ['crash'], bounds: 'within', driftFactor: 0.01 }))
 * ```
 */
export function scheduleCommands(shape: ScheduleShape): fc.Arbitrary<fc.AsyncCommand<ChaosModel, World>>[] {
  const { ttl } = shape;
  const client = fc.nat(shape.clients - 1);
  const c = (w: World, i: number) => w.clients[i];
  const within = shape.bounds === 'within';
  const arbs: fc.Arbitrary<Step>[] = [
    acquireStep(shape, client),
    client.map((i) => new Step(`release(c${i})`, (w) => c(w, i)?.release(), 'release')),
    client.map((i) => new Step(`extend(c${i})`, (w) => c(w, i)?.extend(), 'extend')),
    fc
      .tuple(
        client,
        fc.integer({ min: 0, max: Math.floor(ttl / 2) }),
        shape.faults.includes('stall')
          ? fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 3 * ttl }))
          : fc.constant(0),
      )
      .map(
        ([i, think, stall]) =>
          new Step(
            `work(c${i}, think=${think}${stall ? `, stall=${stall}` : ''})`,
            (w) => void c(w, i)?.work(think, stall),
            stall ? 'stall' : 'work',
          ),
      ),
    fc
      .integer({ min: 1, max: Math.round(1.5 * ttl) })
      .map((ms) => new Step(`advance(${ms})`, (w) => w.advance(ms), 'advance')),
  ];
  // Operations are drawn more often than any single fault, so that most schedules hold, work and contend.
  const [acquire, release, , work, advance] = arbs;
  for (const arb of [acquire, acquire, work, work, advance, advance, release]) if (arb) arbs.push(arb);
  const fault = (kind: ChaosFault, arb: fc.Arbitrary<Step>): void => {
    if (shape.faults.includes(kind)) arbs.push(arb);
  };
  const span = fc.integer({ min: 1, max: 2 * ttl });
  fault(
    'pause',
    fc.tuple(client, span).map(([i, ms]) => new Step(`pause(c${i}, ${ms})`, (w) => pause(w, i, ms), 'pause')),
  );
  fault(
    'crash',
    client.map((i) => new Step(`crash(c${i})`, (w) => c(w, i)?.crash(), 'crash', true)),
  );
  fault(
    'renewalFailure',
    fc
      .tuple(client, span)
      .map(([i, ms]) => new Step(`renewalFailure(c${i}, ${ms})`, (w) => failFor(w, i, ms), 'renewalFailure')),
  );
  fault(
    'lostReply',
    client.map((i) => new Step(`lostReply(c${i})`, (w) => lostReply(w, i), 'lostReply')),
  );
  fault(
    'latency',
    fc
      .tuple(client, fc.integer({ min: 1, max: Math.round(1.5 * ttl) }), span)
      .map(
        ([i, ms, d]) => new Step(`latency(c${i}, ${ms} for ${d})`, (w) => latency(w, i, ms, d), 'latency'),
      ),
  );
  fault(
    'lostWakeup',
    fc
      .tuple(client, span)
      .map(([i, d]) => new Step(`lostWakeup(c${i}, ${d})`, (w) => lostWakeup(w, i, d), 'lostWakeup')),
  );
  const jump = within ? fc.integer({ min: 1, max: ttl }) : fc.integer({ min: -2 * ttl, max: -1 });
  fault(
    'clockJump',
    fc
      .tuple(client, jump)
      .map(([i, ms]) => new Step(`clockJump(c${i}, ${ms})`, (w) => clockJump(w, i, ms), 'clockJump')),
  );
  const maxSlow = Math.floor(shape.driftFactor * 500);
  const rate = within
    ? fc.integer({ min: 1000 - maxSlow, max: 1200 })
    : fc.integer({ min: 300, max: 1000 - Math.ceil(shape.driftFactor * 2000) });
  fault(
    'clockDrift',
    fc
      .tuple(client, rate)
      .map(
        ([i, r]) =>
          new Step(
            `clockDrift(c${i}, x${r / 1000})`,
            (w) => clockDrift(w, i, r / 1000, shape.driftFactor),
            'clockDrift',
          ),
      ),
  );
  arbs.push(...serverFaultCommands(shape));
  if (shape.contention === true) arbs.push(...contentionCommands(shape));
  arbs.push(...waiterFaultCommands(shape), ...multiSlotCommands(shape), ...idleGapCommands(shape));
  arbs.push(...sideLockCommands(shape), ...lateExtendCommands(shape), ...clockStepCommands(shape));
  return arbs;
}

/** `acquire(c, wait)`: with a `sharedRatio`, a read share drawn per acquire (drawn last: shrinks to exclusive). */
function acquireStep(shape: ScheduleShape, client: fc.Arbitrary<number>): fc.Arbitrary<Step> {
  const wait = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 2 * shape.ttl }));
  if ((shape.sharedRatio ?? 0) <= 0)
    return fc
      .tuple(client, wait)
      .map(
        ([i, w]) => new Step(`acquire(c${i}, wait=${w})`, (world) => world.clients[i]?.acquire(w), 'acquire'),
      );
  return fc
    .tuple(client, wait, sharedDraw(shape.sharedRatio))
    .map(
      ([i, w, shared]) =>
        new Step(
          `acquire(c${i}, wait=${w}${sharedLabel(shared)})`,
          (world) => world.clients[i]?.acquire(w, [], undefined, shared),
          'acquire',
        ),
    );
}

function pause(world: World, i: number, ms: number): void {
  hit(world, i, { kind: 'pause', duration: ms, beyond: false }, ({ connection }) => {
    if (connection.suspend) connection.suspend(ms);
    else connection.faults.pausedUntil = Math.max(connection.faults.pausedUntil, Date.now() + ms);
  });
}

function failFor(world: World, i: number, ms: number): void {
  hit(world, i, { kind: 'renewalFailure', duration: ms, beyond: false }, ({ connection }) => {
    connection.faults.failUntil = Math.max(connection.faults.failUntil, Date.now() + ms);
  });
}

function lostReply(world: World, i: number): void {
  hit(world, i, { kind: 'lostReply', duration: world.config.ttl, beyond: false }, ({ connection }) => {
    connection.faults.dropReplies += 1;
  });
}

function latency(world: World, i: number, ms: number, duration: number): void {
  hit(world, i, { kind: 'latency', amount: ms, duration: duration + ms, beyond: false }, ({ connection }) => {
    connection.faults.latencyMs = ms;
    connection.faults.latencyUntil = Date.now() + duration;
  });
}

function lostWakeup(world: World, i: number, duration: number): void {
  hit(world, i, { kind: 'lostWakeup', duration, beyond: false }, ({ connection }) => {
    connection.faults.lostWakeupUntil = Date.now() + duration;
  });
}

function clockJump(world: World, i: number, ms: number): void {
  hit(world, i, { kind: 'clockJump', amount: ms, beyond: ms < 0 }, ({ clock }) => clock.jump(ms));
}

function clockDrift(world: World, i: number, rate: number, driftFactor: number): void {
  hit(world, i, { kind: 'clockDrift', amount: rate, beyond: rate < 1 - driftFactor / 2 }, ({ clock }) =>
    clock.setRate(rate),
  );
}
