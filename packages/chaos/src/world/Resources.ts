/**
 * The protected resource without fencing: a counter that each holder updates by read → pause → write, so two
 * overlapping holders lose an update.
 *
 * @example
 * ```ts
 * const r = new PlainResource(); const v = r.read(); r.write(v + 1, 0)
 * ```
 */
export class PlainResource {
  value = 0;
  lastWriter: number | undefined;

  read(): number {
    return this.value;
  }

  /** Writes `value`; returns the value it replaced. */
  write(value: number, client: number): { before: number; lastWriter: number | undefined } {
    const out = { before: this.value, lastWriter: this.lastWriter };
    this.value = value;
    this.lastWriter = client;
    return out;
  }
}

/**
 * The fenced variant: every read and write carries the holder's fence, and the resource refuses any whose fence is
 * lower than the highest it has seen (Kleppmann's storage-side check), so a stale holder cannot overwrite.
 *
 * @example
 * ```ts
 * const r = new FencedResource(); const v = r.read(34); r.write(v! + 1, 34, 0) // accepted; later fence 33 is refused
 * ```
 */
export class FencedResource extends PlainResource {
  maxFence = Number.NEGATIVE_INFINITY;

  /** The value, or `undefined` when `fence` is stale. */
  readFenced(fence: number): number | undefined {
    if (fence < this.maxFence) return undefined;
    this.maxFence = fence;
    return this.value;
  }

  /** Writes when `fence` is not stale; `accepted` says which. */
  writeFenced(
    value: number,
    fence: number,
    client: number,
  ): { accepted: boolean; before: number; lastWriter: number | undefined } {
    if (fence < this.maxFence) return { accepted: false, before: this.value, lastWriter: this.lastWriter };
    this.maxFence = fence;
    return { accepted: true, ...this.write(value, client) };
  }
}
