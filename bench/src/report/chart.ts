import { libraryById } from '../libraries/libraries.js';
import type { LibraryId } from '../libraries/LockLibrary.js';
import type { ScenarioResult } from '../results.js';
import { ratioToBaseline } from '../results.js';
import { formatRatio } from './format.js';

/** One group of bars: a metric of one scenario, one bar per library, and the target line. */
interface BarGroup {
  readonly label: string;
  readonly target: number;
  readonly bars: readonly { readonly name: string; readonly value: number }[];
}

const COLORS: Readonly<Record<string, string>> = {
  raw: '#9e9e9e',
  fenced: '#b7b7b7',
  fifo: '#cfcfcf',
  deadbolt: '#1f6feb',
  redlock: '#d1242f',
  'redis-semaphore': '#2da44e',
};
const WIDTH = 760;
const HEIGHT = 380;
const PLOT = { left: 56, right: 16, top: 48, bottom: 64 };
const BAR_WIDTH = 34;

/**
 * The metric each single-node scenario is judged by, higher is better: throughput ÷ raw floor, or
 * utilisation (of the permits, for the semaphore). The quorum scenarios have no target and no floor, the
 * read-write scenario no target; their tables give the ratios.
 */
function groupsOf(results: readonly ScenarioResult[]): BarGroup[] {
  return results
    .filter((result) => result.scenario.baseline === 'raw' || result.scenario.mode?.limit !== undefined)
    .map((result) => {
      const contended = result.scenario.holdMs > 0;
      return {
        label: `${result.scenario.id}: ${contended ? `${result.scenario.mode?.limit === undefined ? 'lock' : 'permit'} utilisation` : 'throughput ÷ raw floor'}`,
        target: contended ? 0.9 : 0.95,
        bars: result.rows.map((row) => ({
          name: row.library.id,
          value: contended ? row.measurement.utilisation : ratioToBaseline(result, row),
        })),
      };
    });
}

/** Renders grouped bars (hand-written SVG, no dependency) of the metric each scenario's target is about. */
export function renderChart(results: readonly ScenarioResult[]): string {
  const groups = groupsOf(results);
  const values = groups.flatMap((group) => group.bars.map((bar) => bar.value)).filter(Number.isFinite);
  const top = Math.ceil(Math.max(1.2, ...values) * 5) / 5;
  const plotHeight = HEIGHT - PLOT.top - PLOT.bottom;
  const groupWidth = (WIDTH - PLOT.left - PLOT.right) / Math.max(1, groups.length);
  const y = (value: number): number => round(PLOT.top + plotHeight * (1 - Math.min(value, top) / top));
  const parts: string[] = [];
  for (let tick = 0; tick <= top + 1e-9; tick += 0.2) {
    parts.push(
      `<line x1="${PLOT.left}" x2="${WIDTH - PLOT.right}" y1="${y(tick)}" y2="${y(tick)}" stroke="#e5e5e5"/>`,
      `<text x="${PLOT.left - 6}" y="${y(tick) + 4}" text-anchor="end">${tick.toFixed(1)}</text>`,
    );
  }
  groups.forEach((group, index) => {
    const left = PLOT.left + index * groupWidth;
    const barsLeft = round(left + (groupWidth - group.bars.length * BAR_WIDTH) / 2);
    group.bars.forEach((bar, slot) => {
      const x = barsLeft + slot * BAR_WIDTH;
      const value = Number.isFinite(bar.value) ? bar.value : 0;
      parts.push(
        `<rect x="${x + 3}" y="${y(value)}" width="${BAR_WIDTH - 6}" height="${y(0) - y(value)}" fill="${COLORS[bar.name] ?? '#555'}"><title>${bar.name}: ${formatRatio(bar.value)}</title></rect>`,
        `<text x="${x + BAR_WIDTH / 2}" y="${y(value) - 4}" text-anchor="middle">${formatRatio(bar.value)}</text>`,
      );
    });
    const targetY = y(group.target);
    parts.push(
      `<line x1="${barsLeft - 6}" x2="${barsLeft + group.bars.length * BAR_WIDTH + 6}" y1="${targetY}" y2="${targetY}" stroke="#000" stroke-dasharray="4 3"/>`,
      `<text x="${round(left + groupWidth / 2)}" y="${HEIGHT - PLOT.bottom + 20}" text-anchor="middle">${group.label}</text>`,
    );
  });
  const entries = Object.entries(COLORS);
  const legendStep = round((WIDTH - PLOT.left - PLOT.right) / entries.length);
  const legend = entries.map(([id, color], index) => {
    const x = round(PLOT.left + index * legendStep);
    return (
      `<rect x="${x}" y="${HEIGHT - 26}" width="12" height="12" fill="${color}"/>` +
      `<text x="${round(x + 18)}" y="${HEIGHT - 16}">${libraryById(id as LibraryId).name}</text>`
    );
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">
<rect width="${WIDTH}" height="${HEIGHT}" fill="#fff"/>
<text x="${WIDTH / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">deadbolt vs peers: higher is better; dashed line = deadbolt's target</text>
${[...parts, ...legend].join('\n')}
</svg>
`;
}

/** SVG coordinates to one decimal. */
function round(value: number): number {
  return Math.round(value * 10) / 10;
}
