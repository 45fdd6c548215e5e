import { formatHistory, type ChaosResult } from '@deadbolt/chaos';

/** A failed assertion's message for a chaos run: its summary, then the counterexample or the whole history. */
export function explain(result: ChaosResult): string {
  const ce = result.counterexample;
  return `${result.summary}\n${ce ? `${ce.commands.join('\n')}\n${ce.history}` : formatHistory(result.history)}`;
}
