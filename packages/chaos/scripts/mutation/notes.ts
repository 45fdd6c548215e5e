/**
 * Why a mutant survives the harness: `equivalent` (no behaviour the harness could observe changes: left out of the
 * score) or `gap` (a real bug the harness cannot see yet: counted as survived). Filled in from the measured runs.
 */
export const SURVIVOR_NOTES: Readonly<Record<string, { kind: 'equivalent' | 'gap'; why: string }>> = {};
