/**
 * Why a mutant survives the harness: `equivalent` (no behaviour any run could observe changes: left out of the
 * score) or `gap` (a real bug the harness cannot see yet: counted as survived). Written from the measured runs
 * (docs/mutation.md); a survivor without a note is reported as unexplained.
 */
export const SURVIVOR_NOTES: Readonly<Record<string, { kind: 'equivalent' | 'gap'; why: string }>> = {
  'extend-refusal-silent': {
    kind: 'gap',
    why:
      'visible beyond the bounds only. Within them a renewal is never refused while the holder still trusts its ' +
      "lease (the server lease outlives the local deadline by the drift allowance), so the mutant's silence has " +
      'nothing to hide. Beyond them (a clock run slow) a refused renewal stays silent until the local deadline, ' +
      'but background renewals are not in the history, and the S1 belief it causes is excused beyond the bounds; ' +
      'only an explicit extend that falls in that window shows it (S9, always a bug), and no drawn schedule had one. ' +
      'Recording renewal outcomes in the history would close this.',
  },
  'mode-extend-no-owner-check': {
    kind: 'gap',
    why:
      "visible beyond the bounds only, and there only in a counted run: within the bounds a permit's holder stops " +
      'renewing at its local deadline, before the server drops its entry, so the missing deadline check never ' +
      'matters; beyond them a renewal can bring a lapsed permit back, which S1, S2 and S7 see but the bounds ' +
      'excuse. The battery has no beyond-bounds counted run, and S9 does not judge counted runs.',
  },
};
