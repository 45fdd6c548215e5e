// Prelude "orders" for documentation code blocks (see test/docs/codeBlocks.test.ts): the application's own
// names that the order and payment examples use. Declared only: the blocks are type-checked, never run.
interface Order {
  readonly id: string;
}
interface LockedCall {
  readonly fence?: number | undefined;
  readonly signal?: AbortSignal | undefined;
}

declare const order: Order;
declare function chargeCard(order: Order, options: LockedCall): Promise<void>;
declare const db: { update(order: Order, options: LockedCall): Promise<void> };
declare const payments: {
  charge(orderId: string, options: LockedCall): Promise<{ readonly receipt: string }>;
};

export {};
