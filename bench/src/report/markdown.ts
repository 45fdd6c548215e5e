import { LIBRARIES } from '../libraries/libraries.js';
import { RAW_RETRY_MS } from '../libraries/rawFloor.js';
import type { MiddlewareResult } from '../middleware/runMiddleware.js';
import { roundsOf, type Timing } from '../timing.js';
import { baselineName, ratioToBaseline, type ScenarioResult } from '../results.js';
import { clientCount, fairBoundMs, isReadWrite, permitsOf, type Scenario } from '../scenarios.js';
import type { SoakRecord } from '../soak/soakRun.js';
import type { Environment } from './environment.js';
import { formatCount, formatMicros, formatMs, formatPerGrant, formatRatio } from './format.js';
import { middlewareTargetRows, renderMiddleware } from './middlewareMarkdown.js';
import { renderSoak } from './soakMarkdown.js';
import { judgeTarget } from './targets.js';
import { renderTemplate } from './template.js';

/** Everything the report shows. */
export interface Report {
  readonly environment: Environment;
  readonly results: readonly ScenarioResult[];
  /** The middleware scenario's results (empty when it did not run). */
  readonly middleware: readonly MiddlewareResult[];
  /** The last soak (`pnpm bench --soak`, kept in soak.json), if any. */
  readonly soak: SoakRecord | undefined;
  readonly timing: Timing;
  readonly command: string;
  /** File name of the chart, relative to the report. */
  readonly chartFile: string;
}

/** Renders RESULTS.md. */
export function renderMarkdown(report: Report): string {
  const { environment: env, timing } = report;
  return [
    renderTemplate('intro', {
      command: report.command,
      date: env.date,
      measureSeconds: timing.measureMs / 1000,
      rounds: timing.singleRound
        ? 'one window'
        : 'split into the rounds given per scenario, the libraries taking turns in rotating order',
      warmupSeconds: timing.warmupMs / 1000,
    }),
    '',
    '## Targets',
    '',
    '| scenario | target | deadbolt measured | met |',
    '|---|---|---|---|',
    ...report.results.map((result) => {
      const verdict = judgeTarget(result);
      const met = verdict?.met === undefined ? '—' : verdict.met ? 'yes' : '**no**';
      return `| ${result.scenario.id} | ${result.scenario.target} | ${verdict?.measured ?? '—'} | ${met} |`;
    }),
    ...middlewareTargetRows(report.middleware),
    '',
    `![Each scenario's target metric per library](${report.chartFile})`,
    '',
    ...report.results.flatMap((result) => renderScenario(result, timing)),
    ...renderMiddleware(report.middleware, timing),
    ...(report.soak ? [renderSoak(report.soak)] : []),
    '## Settings',
    '',
    ...LIBRARIES.map((library) => `- **${library.name}**: ${library.settings}.`),
    ...(report.results.some((result) => result.scenario.masters > 1)
      ? LIBRARIES.flatMap((library) =>
          library.quorumSettings ? [`- **${library.name}** on 3 masters: ${library.quorumSettings}.`] : [],
        )
      : []),
    '',
    renderTemplate('method', { rawRetryMs: RAW_RETRY_MS }),
    '',
    '## Environment',
    '',
    '| | |',
    '|---|---|',
    `| machine | ${env.cpu}, ${env.cores} cores, ${env.memoryGiB} GiB, ${env.os} |`,
    `| load average at start (1 min) | ${env.loadAtStart.toFixed(2)} |`,
    `| Node.js | ${env.node} |`,
    `| Redis | ${env.redis} |`,
    ...Object.entries(env.packages).map(([name, version]) => `| ${name} | ${version} |`),
    `| deadbolt checkout | ${env.git} |`,
    `| date | ${env.date} |`,
    `| command | \`${report.command}\` |`,
    '',
  ].join('\n');
}

/** What the fair bound of a contended scenario is, and how its mode changes the columns, in words. */
function fairNote(scenario: Scenario): string {
  const clients = clientCount(scenario);
  const permits = permitsOf(scenario);
  const bound = fairBoundMs(scenario);
  const ratio = scenario.mode?.sharedRatio;
  if (ratio !== undefined) {
    return ` ${renderTemplate('fair-read-write', { sharedPercent: Math.round(ratio * 100) })}`;
  }
  if (permits === 1) return ` Fair bound: ${clients} × ${scenario.holdMs} ms = ${bound} ms.`;
  const ahead = Math.ceil((clients - permits) / permits);
  const values = {
    permits,
    clients,
    others: clients - permits,
    ahead,
    holds: ahead + 1,
    holdMs: scenario.holdMs,
    bound,
  };
  return ` ${renderTemplate('fair-permits', values)}`;
}

function renderScenario(result: ScenarioResult, timing: Timing): string[] {
  const { scenario } = result;
  const contended = scenario.holdMs > 0;
  const readWrite = isReadWrite(scenario);
  const bound = fairBoundMs(scenario);
  const header = [
    'library',
    'throughput (ops/s)',
    `× ${baselineName(result)}`,
    'utilisation',
    'p50 wait (ms)',
    'p99 wait (ms)',
    'max wait (ms)',
    ...(contended ? ['p99 ÷ fair bound', 'busiest client (fair 1/' + clientCount(scenario) + ')'] : []),
    'Redis cmds/grant',
    'client cmds/grant',
    'client CPU µs/grant',
    'Redis CPU µs/grant',
    'errors',
  ];
  const rows = result.rows.map(({ library, measurement: m }) => [
    library.name,
    formatCount(m.throughput),
    formatRatio(ratioToBaseline(result, { library, measurement: m })),
    contended && !readWrite ? formatRatio(m.utilisation) : '—',
    formatMs(m.waitP50),
    formatMs(m.waitP99),
    formatMs(m.waitMax),
    ...(contended ? [readWrite ? '—' : formatRatio(m.waitP99 / bound), formatRatio(m.busiestShare)] : []),
    formatPerGrant(m.redisCommandsPerGrant),
    formatPerGrant(m.clientCommandsPerGrant),
    formatMicros(m.clientCpuPerGrantUs),
    formatMicros(m.redisCpuPerGrantUs),
    m.errors === 0 ? '0' : `${m.errors} (${(m.firstError ?? '').replaceAll('|', '\\|')})`,
  ]);
  const fair = contended ? fairNote(scenario) : '';
  const paused = scenario.pausedMaster
    ? `, the first one paused (SIGSTOP) for each whole measured window of ${formatCount(timing.measureMs / roundsOf(scenario, timing))} ms and resumed at its end`
    : '';
  const masters =
    scenario.masters > 1
      ? ` On ${scenario.masters} independent masters (quorum ${Math.floor(scenario.masters / 2) + 1})${paused}.`
      : '';
  return [
    `## ${scenario.title}`,
    '',
    renderTemplate('scenario', {
      processes: scenario.processes,
      clientsPerProcess: scenario.clientsPerProcess,
      sharing: scenario.sharedClient ? ' sharing one lock client (connection) per process' : '',
      keys: scenario.sharedKey ? 'all on one key' : 'each on its own key',
      holdMs: scenario.holdMs,
      rounds: roundsOf(scenario, timing),
      masters,
      fair,
      target: scenario.target,
    }),
    '',
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((cells) => `| ${cells.join(' | ')} |`),
    '',
  ];
}
