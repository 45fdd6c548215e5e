/** What one node (or one part of a lock) answered. */
export type VoteOutcome = 'granted' | 'busy' | 'error' | 'pending';

/** One node's vote; `value` for an answer, `error` for a failure. */
export interface Vote<T> {
  readonly node: number;
  readonly outcome: VoteOutcome;
  readonly value?: T;
  readonly error?: Error;
}

/** The votes as they stood when the outcome was decided. */
export interface Ballot<T> {
  readonly votes: readonly Vote<T>[];
  readonly granted: number;
  readonly busy: number;
  readonly errors: number;
  readonly pending: number;
}

/** One node's answer: yes (`granted`) or no (`busy`), with a value. */
export interface Answer<T> {
  readonly yes: boolean;
  readonly value: T;
}

/**
 * Collects one answer per call and resolves as soon as the outcome is known: `required` yes votes arrived, or
 * they can no longer arrive. Never rejects: a failed call is an `error` vote, a call still running at the
 * decision a `pending` vote, and a late failure is absorbed (no unhandled rejection).
 *
 * @example
 * ```ts
 * const ballot = await collectVotes(nodes.map((n) => ask(n)), majority(nodes.length))
 * if (ballot.granted >= majority(nodes.length)) ...
 * ```
 */
export function collectVotes<T>(calls: readonly Promise<Answer<T>>[], required: number): Promise<Ballot<T>> {
  const votes: Vote<T>[] = calls.map((_, node) => ({ node, outcome: 'pending' }));
  return new Promise((resolve) => {
    let settled = false;
    const check = (): void => {
      if (settled) return;
      const ballot = count(votes);
      if (ballot.granted >= required || ballot.granted + ballot.pending < required || ballot.pending === 0) {
        settled = true;
        resolve(ballot);
      }
    };
    calls.forEach((call, node) => {
      call.then(
        (answer) => {
          if (!settled) votes[node] = { node, outcome: answer.yes ? 'granted' : 'busy', value: answer.value };
          check();
        },
        (error: unknown) => {
          if (!settled) {
            votes[node] = {
              node,
              outcome: 'error',
              error: error instanceof Error ? error : new Error(String(error)),
            };
          }
          check();
        },
      );
    });
    check();
  });
}

function count<T>(votes: readonly Vote<T>[]): Ballot<T> {
  const tally = { granted: 0, busy: 0, error: 0, pending: 0 };
  for (const vote of votes) tally[vote.outcome] += 1;
  return {
    votes: [...votes],
    granted: tally.granted,
    busy: tally.busy,
    errors: tally.error,
    pending: tally.pending,
  };
}
