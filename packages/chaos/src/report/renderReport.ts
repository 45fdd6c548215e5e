import { INVARIANT_NAMES } from '../checker/Violation.js';
import type { ChaosResult } from '../result.js';
import { coverageText, runSize, ttlText } from './runText.js';
import { escapeHtml } from './escapeHtml.js';
import { PATH_NAMES } from '../paths/pathCounts.js';
import { timelines } from './intervals.js';
import { timelineSvg } from './timelineSvg.js';

const STYLE = `body{font:14px system-ui,sans-serif;margin:24px;color:#111}h1 .pass{color:#15803d}h1 .fail{color:#b91c1c}h1 .inconclusive{color:#b45309}tr.missing{color:#b45309;font-weight:700}
table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:3px 8px;text-align:left}pre{background:#f4f4f5;padding:8px;overflow:auto;max-height:420px}
svg.timeline{border:1px solid #e5e7eb;margin:8px 0;font-size:11px}.row{font-weight:600}.lane{stroke:#e5e7eb}.tick{fill:#6b7280}
.fault{fill:#f59e0b}.fault.beyond{fill:#7f1d1d}.write{fill:#111}.write.fenced{fill:#fff;stroke:#111}.write.rejected{fill:#fff;stroke:#9ca3af;stroke-dasharray:2 2}
.write.lost{fill:#dc2626;stroke:#dc2626}.fence{fill:#374151;font-size:9px}.violation line{stroke:#dc2626;stroke-width:2}.violation.beyond-bounds line{stroke:#f97316;stroke-dasharray:4 2}
.violation text{fill:#dc2626;font-weight:700}code{background:#f4f4f5;padding:1px 4px}.legend span{display:inline-block;margin-right:14px}`;

/** Extra context for {@link renderReport}. */
export interface ReportOptions {
  /** The shell command that replays the counterexample (shown with a failure). Default: none. */
  readonly replayCommand?: string;
}

/**
 * The HTML report of a run, as one self-contained file (inline CSS and SVG, no script, no network): the verdict,
 * the run's shape and fault mix, per key a timeline of belief vs. lease with faults, writes, fences and
 * violations, the violations, and the counterexample with its replay command.
 *
 * @example
 * ```ts
 * await writeFile('chaos-report.html', renderReport(await runChaos({ runs: 100 })))
 * ```
 */
export function renderReport(result: ChaosResult, options: ReportOptions = {}): string {
  const { run, statistics } = result;
  const ce = result.counterexample;
  // Violations of the schedule drawn (the failing one); a pass draws none.
  const shown = result.verdict === 'fail' ? result.violations : [];
  const rows = Object.entries(statistics.steps)
    .sort(([, a], [, b]) => b - a)
    .map(([kind, n]) => `<tr><td>${escapeHtml(kind)}</td><td>${n}</td></tr>`)
    .join('');
  const violationRows = shown
    .map(
      (v, i) =>
        `<tr class="v-${v.label}"><td>${i + 1}</td><td>${v.invariant} ${escapeHtml(INVARIANT_NAMES[v.invariant])}</td><td>${v.label}</td><td>${v.at} ms</td><td>${v.clients.map((c) => `c${c}`).join(', ')}</td><td>${escapeHtml(v.message)}</td></tr>`,
    )
    .join('');
  const svgs = timelines(result.history)
    .map((t) => `<h3>key <code>${escapeHtml(t.key)}</code></h3>${timelineSvg(t, shown)}`)
    .join('');
  const what = result.verdict === 'fail' ? 'the shrunk failing schedule' : 'the busiest schedule';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>deadbolt-chaos: ${result.verdict.toUpperCase()} ${escapeHtml(run.lock)}</title><style>${STYLE}</style></head>
<body>
<h1>deadbolt-chaos: <span class="${result.verdict}">${result.verdict.toUpperCase()}</span> — ${escapeHtml(run.lock)}</h1>
<p id="summary">${escapeHtml(result.summary)}</p>
<table><tr><th>backend</th><td>${run.backend}${run.backend === 'redis' ? ` (${run.topology})` : ''}</td></tr>
<tr><th>schedules</th><td>${runSize(result)}, ${run.clients} clients${run.clientsPerProcess > 1 ? ` (${run.clientsPerProcess} per process)` : ''}, ≤ ${run.operations} steps, ttl ${ttlText(result)}, faults ${run.bounds} bounds</td></tr>
<tr><th>coverage</th><td>${escapeHtml(coverageText(statistics))}</td></tr>
<tr><th>paths</th><td><table id="paths"><tr><th>path</th><th>count</th><th>claimed</th><th>required</th></tr>${PATH_NAMES.map((p) => `<tr${result.paths.missing.includes(p) ? ' class="missing"' : ''}><td>${p}</td><td>${result.paths.counts[p] ?? 'n/a'}</td><td>${result.paths.claimed.includes(p) ? 'yes' : ''}</td><td>${result.paths.required.includes(p) ? 'yes' : ''}</td></tr>`).join('')}</table></td></tr>
<tr><th>seed</th><td>${result.seed}</td></tr><tr><th>duration</th><td>${statistics.durationMs} ms</td></tr></table>
<h2>Timeline of ${what}</h2>
<p class="legend"><span>■ filled bar: the client believes it holds the key</span><span>▭ dashed: acquire with unknown outcome (counts as held for a ttl)</span><span>top row: the server's lease, coloured by owner</span><span>orange band: fault (dark red: beyond bounds)</span><span>● plain write, ○ fenced write with its fence, red: lost update, grey dashed: refused</span><span>red line: violation</span></p>
${svgs || '<p>No operation ran.</p>'}
<h2>Violations</h2>
${violationRows ? `<table id="violations"><tr><th>#</th><th>invariant</th><th>label</th><th>at</th><th>clients</th><th>what</th></tr>${violationRows}</table>` : '<p>None that count as a bug.</p>'}
${result.beyondBounds.length > 0 ? `<p>${result.beyondBounds.length} violation(s) over all schedules were excused as beyond the stated bounds (expected: ${escapeHtml([...new Set(result.beyondBounds.map((v) => v.invariant))].join(', '))}).</p>` : ''}
${
  ce
    ? `<h2>Counterexample</h2><p>Replay: <code id="replay">${escapeHtml(options.replayCommand ?? `runChaos({ seed: ${ce.seed}, path: '${ce.path}', replayPath: '${ce.replayPath}', runs: 1, shrink: false })`)}</code></p>
<h3>Schedule</h3><pre id="commands">${escapeHtml(ce.commands.join('\n'))}</pre><h3>History</h3><pre>${escapeHtml(ce.history)}</pre>`
    : ''
}
<h2>Fault mix</h2><table><tr><th>step</th><th>count</th></tr>${rows}</table>
</body></html>
`;
}
