import type { ChaosResult } from '../result.js';

/** Escapes a GitHub Actions workflow command's message (`%`, CR and LF). */
function data(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escapes a workflow command's property value (the message's escapes, plus `:` and `,`). */
function property(text: string): string {
  return data(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/**
 * The GitHub Actions annotation of a failed run: an `::error` workflow command titled with the lock and where it
 * ran, whose message is the first bug and the command that replays it (shown on the run's summary page).
 *
 * @example
 * ```ts
 * if (result.verdict === 'fail') console.log(githubAnnotation(result, 'deadbolt on redis single', replay))
 * ```
 */
export function githubAnnotation(result: ChaosResult, title: string, replay: string | undefined): string {
  const first = result.violations.find((v) => v.label === 'bug');
  const message = `${first ? `${first.invariant} ${first.message}` : result.summary}${replay ? `\nReplay: ${replay}` : ''}`;
  return `::error title=${property(`deadbolt-chaos: ${title}`)}::${data(message)}`;
}

/**
 * A Markdown table of the runs, for `$GITHUB_STEP_SUMMARY`.
 *
 * @example
 * ```ts
 * await appendFile(process.env.GITHUB_STEP_SUMMARY!, stepSummary([['deadbolt on mock', result]]))
 * ```
 */
export function stepSummary(rows: readonly (readonly [string, ChaosResult | undefined])[]): string {
  const lines = rows.map(([title, r]) =>
    r
      ? `| ${title} | ${r.verdict === 'pass' ? 'pass' : r.verdict === 'inconclusive' ? '**inconclusive**' : '**FAIL**'} | ${r.summary.replace(/\|/g, '\\|')} |`
      : `| ${title} | **error** | |`,
  );
  return ['### deadbolt-chaos', '', '| run | verdict | summary |', '| --- | --- | --- |', ...lines, ''].join(
    '\n',
  );
}
