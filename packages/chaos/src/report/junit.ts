import { INVARIANT_NAMES } from '../checker/Violation.js';
import type { ChaosResult } from '../result.js';
import { coverageText, runSize, ttlText } from './runText.js';

/** One run for the JUnit report: its result (or the error it threw) and how to replay it. */
export interface JUnitCase {
  /** The lock's name as the CLI knows it (or the adapter's name). */
  readonly lock: string;
  /** Where it ran: `mock`, or the redis topology. */
  readonly where: string;
  readonly result?: ChaosResult;
  /** The run threw instead of returning a verdict (a broken adapter, a setup error). */
  readonly error?: unknown;
  readonly replayCommand?: string;
  /** Real time the run took, in ms (from the result when it has one). */
  readonly durationMs?: number;
}

/** XML text: the five entities escaped, characters XML 1.0 forbids dropped. */
function xml(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

const seconds = (ms: number): string => (ms / 1000).toFixed(3);

/**
 * A JUnit XML report (the Ant/Jenkins dialect CI systems read): one `<testsuite>` named `deadbolt-chaos` with one
 * `<testcase>` per lock and topology. A violation is a `<failure>` whose message is the first bug and whose body
 * holds every violation, the counterexample and the command that replays it; a run that threw is an `<error>`.
 *
 * @example
 * ```ts
 * await writeFile('chaos.xml', renderJUnit([{ lock: 'deadbolt', where: 'mock', result }]))
 * ```
 */
export function renderJUnit(cases: readonly JUnitCase[], timestamp = new Date()): string {
  const failures = cases.filter(
    (c) => c.result?.verdict === 'fail' || c.result?.verdict === 'inconclusive',
  ).length;
  const errors = cases.filter((c) => c.result === undefined).length;
  const total = cases.reduce((t, c) => t + (c.result?.statistics.durationMs ?? c.durationMs ?? 0), 0);
  const counts = `tests="${cases.length}" failures="${failures}" errors="${errors}"`;
  const body = cases.map(testCase).join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="deadbolt-chaos" ${counts} time="${seconds(total)}">
  <testsuite name="deadbolt-chaos" ${counts} skipped="0" time="${seconds(total)}" timestamp="${timestamp.toISOString().slice(0, 19)}">
${body}
  </testsuite>
</testsuites>
`;
}

function testCase(c: JUnitCase): string {
  const { result } = c;
  const ms = result?.statistics.durationMs ?? c.durationMs ?? 0;
  const open = `    <testcase name="${xml(`${c.lock} on ${c.where}`)}" classname="deadbolt-chaos.${xml(c.where)}" time="${seconds(ms)}">`;
  if (!result) {
    const message = c.error instanceof Error ? `${c.error.name}: ${c.error.message}` : String(c.error);
    return `${open}\n      <error message="${xml(message)}" type="${xml(c.error instanceof Error ? c.error.name : 'Error')}">${xml(c.error instanceof Error ? (c.error.stack ?? message) : message)}</error>\n    </testcase>`;
  }
  const out = `      <system-out>${xml(`${result.summary}\n${runSize(result)}; ttl ${ttlText(result)}; ${coverageText(result.statistics)}`)}</system-out>`;
  if (result.verdict === 'pass') return `${open}\n${out}\n    </testcase>`;
  if (result.verdict === 'inconclusive')
    return `${open}\n      <failure message="${xml(`never exercised: ${result.paths.missing.join(', ')}`)}" type="inconclusive">${xml(result.summary)}</failure>\n${out}\n    </testcase>`;
  const first = result.violations.find((v) => v.label === 'bug');
  const ce = result.counterexample;
  const detail = [
    result.summary,
    '',
    'Violations:',
    ...result.violations.map(
      (v) => `  ${v.invariant} (${INVARIANT_NAMES[v.invariant]}, ${v.label}) at ${v.at} ms: ${v.message}`,
    ),
    '',
    `Replay: ${c.replayCommand ?? `runChaos({ seed: ${ce?.seed}, path: '${ce?.path}', replayPath: '${ce?.replayPath}', runs: 1, shrink: false })`}`,
    ...(ce
      ? [
          '',
          `Counterexample (${ce.commands.length} steps, ttl ${ce.ttl} ms):`,
          ...ce.commands.map((s) => `  ${s}`),
        ]
      : []),
  ].join('\n');
  const message = first ? `${first.invariant} ${first.message}` : result.summary;
  return `${open}\n      <failure message="${xml(message)}" type="${first?.invariant ?? 'error'}">${xml(detail)}</failure>\n${out}\n    </testcase>`;
}
