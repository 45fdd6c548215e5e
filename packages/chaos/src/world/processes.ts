/**
 * The process of every client when `perProcess` consecutive clients share one (clients 0…k-1 form process 0,
 * and so on): the number of the process by client number.
 *
 * @example
 * ```ts
 * processOfClients(5, 2) // [0, 0, 1, 1, 2]
 * ```
 */
export function processOfClients(clients: number, perProcess: number): number[] {
  return Array.from({ length: clients }, (_, client) => Math.floor(client / perProcess));
}

/**
 * The clients of the process that client `first` starts, when `perProcess` consecutive clients of `clients`
 * share one (the last process may have fewer).
 *
 * @example
 * ```ts
 * processMembers(4, 5, 2) // [4]
 * ```
 */
export function processMembers(first: number, clients: number, perProcess: number): number[] {
  return Array.from({ length: Math.min(perProcess, clients - first) }, (_, index) => first + index);
}
