/** Every fault a schedule can draw. */
export const ALL_FAULTS = [
  'pause',
  'crash',
  'renewalFailure',
  'lostReply',
  'latency',
  'lostWakeup',
  'clockJump',
  'clockDrift',
  'stall',
] as const;

/**
 * A fault the schedule can draw: `pause` (the client's connection freezes), `stall` (a pause between the holder's
 * check and its write), `crash`, `renewalFailure` (commands fail for a while), `lostReply` (applied, reply lost),
 * `latency` (replies delayed), `lostWakeup` (pub/sub messages dropped), `clockJump`, `clockDrift`.
 */
export type ChaosFault = (typeof ALL_FAULTS)[number];
