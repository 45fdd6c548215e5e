/** What a {@link TimerHeap} orders: a time, and the node's position in the heap that the heap keeps. */
export interface HeapNode {
  readonly at: number;
  /** Position in the heap; {@link OUT_OF_HEAP} once it left (or before it joined). */
  index: number;
}

/** The `index` of a node not in the heap. */
export const OUT_OF_HEAP = -1;

/**
 * A binary min-heap of nodes by `at`, each node knowing its position, so that removing or moving any node is a
 * heap step (no search). The order of nodes of equal `at` is unspecified.
 *
 * @example
 * ```ts
 * const heap = new TimerHeap<{ at: number; index: number }>()
 * heap.push({ at: 5, index: -1 })
 * heap.peek()?.at // 5
 * ```
 */
export class TimerHeap<T extends HeapNode> {
  readonly #nodes: T[] = [];

  get size(): number {
    return this.#nodes.length;
  }

  /** The node of the earliest `at`, if any. */
  peek(): T | undefined {
    return this.#nodes[0];
  }

  /** The nodes, in no particular order. */
  nodes(): readonly T[] {
    return this.#nodes;
  }

  push(node: T): void {
    node.index = this.#nodes.length;
    this.#nodes.push(node);
    this.#siftUp(node.index);
  }

  /** Takes `node` (which must be in the heap) out; its `index` becomes {@link OUT_OF_HEAP}. */
  remove(node: T): void {
    const nodes = this.#nodes;
    const index = node.index;
    node.index = OUT_OF_HEAP;
    const last = nodes.pop() as T;
    if (index === nodes.length) return;
    nodes[index] = last;
    last.index = index;
    this.#siftDown(index);
    this.#siftUp(last.index);
  }

  /** Restores the order after `node`'s `at` changed: `earlier` says which way. */
  moved(node: T, earlier: boolean): void {
    if (earlier) this.#siftUp(node.index);
    else this.#siftDown(node.index);
  }

  /** Empties the heap (the nodes' `index` is left as it was). */
  clear(): void {
    this.#nodes.length = 0;
  }

  #siftUp(index: number): void {
    const nodes = this.#nodes;
    const node = nodes[index] as T;
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = nodes[parentIndex] as T;
      if (parent.at <= node.at) break;
      nodes[index] = parent;
      parent.index = index;
      index = parentIndex;
    }
    nodes[index] = node;
    node.index = index;
  }

  #siftDown(index: number): void {
    const nodes = this.#nodes;
    const node = nodes[index] as T;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= nodes.length) break;
      const right = left + 1;
      const child = right < nodes.length && (nodes[right] as T).at < (nodes[left] as T).at ? right : left;
      const smaller = nodes[child] as T;
      if (smaller.at >= node.at) break;
      nodes[index] = smaller;
      smaller.index = index;
      index = child;
    }
    nodes[index] = node;
    node.index = index;
  }
}
