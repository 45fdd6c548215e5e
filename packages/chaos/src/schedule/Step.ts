import type fc from 'fast-check';
import type { ChaosWorld as World } from '../world/ChaosWorld.js';

/** What the model tracks: how many clients crashed (at least one stays alive). */
export interface ChaosModel {
  crashed: number;
  readonly clients: number;
}

/** One step of a schedule: a client operation, a fault, or time passing. */
export class Step implements fc.AsyncCommand<ChaosModel, World> {
  constructor(
    readonly label: string,
    readonly apply: (world: World) => void | Promise<void>,
    readonly kind: string,
    readonly isCrash = false,
  ) {}

  check(model: Readonly<ChaosModel>): boolean {
    return !this.isCrash || model.crashed < model.clients - 1;
  }

  async run(model: ChaosModel, world: World): Promise<void> {
    if (this.isCrash) model.crashed += 1;
    world.stepCounts.set(this.kind, (world.stepCounts.get(this.kind) ?? 0) + 1);
    await this.apply(world);
    await world.settle();
  }

  toString(): string {
    return this.label;
  }
}
