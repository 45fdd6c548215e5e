import type { Violation } from '../checker/Violation.js';
import { escapeHtml } from './escapeHtml.js';
import type { KeyTimeline } from './intervals.js';

const LABEL = 90;
const WIDTH = 1000;
const ROW = 34;
const PALETTE = ['#2563eb', '#16a34a', '#d97706', '#9333ea', '#0891b2', '#db2777', '#65a30d', '#7c3aed'];

/** The colour of client `c`'s bars. */
export function clientColour(c: number | undefined): string {
  return c === undefined ? '#6b7280' : (PALETTE[c % PALETTE.length] ?? '#6b7280');
}

/**
 * One key's timeline as an SVG: a row for the server's lease (coloured by the client whose token it holds), then a
 * row per client with its belief intervals, unknown acquires (dashed), faults (bands under the bar), writes (dots,
 * labelled with their fence; hollow when the fenced resource refused them, red when they lost an update), and
 * every violation as a numbered red line across all rows. Every mark has a `<title>` tooltip.
 *
 * @example
 * ```ts
 * const svg = timelineSvg(timelines(result.history)[0]!, result.violations)
 * ```
 */
export function timelineSvg(t: KeyTimeline, violations: readonly Violation[]): string {
  const x = (ms: number): number => LABEL + (Math.max(0, Math.min(ms, t.end)) / t.end) * WIDTH;
  const w = (a: number, b: number): number => Math.max(2, x(b) - x(a));
  const rowY = (c: number): number => 30 + (t.clients.indexOf(c) + 1) * ROW;
  const height = 30 + (t.clients.length + 1) * ROW + 30;
  const parts: string[] = [];
  const title = (s: string): string => `<title>${escapeHtml(s)}</title>`;
  parts.push(`<text x="4" y="${30 + 20}" class="row">server lease</text>`);
  for (const l of t.leases) {
    parts.push(
      `<rect class="lease" x="${x(l.start)}" y="${30 + 6}" width="${w(l.start, l.end)}" height="20" fill="${clientColour(l.client)}" opacity="0.55">${title(`lease ${l.owner} (c${l.client ?? '?'}) ${l.start}–${Number.isFinite(l.end) ? l.end : 'end'} ms`)}</rect>`,
    );
  }
  for (const c of t.clients) {
    const y = rowY(c);
    parts.push(`<text x="4" y="${y + 20}" class="row">c${c}</text>`);
    parts.push(`<line x1="${LABEL}" x2="${LABEL + WIDTH}" y1="${y + 16}" y2="${y + 16}" class="lane"/>`);
  }
  for (const b of t.beliefs) {
    parts.push(
      `<rect class="belief" x="${x(b.start)}" y="${rowY(b.client) + 6}" width="${w(b.start, b.end)}" height="16" fill="${clientColour(b.client)}">${title(`c${b.client} believes it holds ${t.key}: ${b.start}–${b.end} ms (until ${b.until})${b.fence === undefined ? '' : `, fence ${b.fence}`}`)}</rect>`,
    );
  }
  for (const u of t.unknown) {
    parts.push(
      `<rect class="unknown" x="${x(u.tInv)}" y="${rowY(u.client) + 6}" width="${w(u.tInv, u.tInv + u.ttl)}" height="16" fill="none" stroke="${clientColour(u.client)}" stroke-dasharray="4 3">${title(`c${u.client} acquire with unknown outcome at ${u.tInv} ms: counts as held until ${u.tInv + u.ttl} ms${u.error ? ` (${u.error})` : ''}`)}</rect>`,
    );
  }
  for (const f of t.faults) {
    const y = f.client === undefined ? 30 + 28 : rowY(f.client) + 24;
    const end = f.t + (f.duration ?? 0);
    parts.push(
      `<rect class="fault${f.beyond ? ' beyond' : ''}" x="${x(f.t)}" y="${y}" width="${w(f.t, end)}" height="5">${title(`${f.kind}${f.node === undefined ? '' : ` node ${f.node}`}${f.client === undefined ? '' : ` on c${f.client}`} at ${f.t} ms${f.duration === undefined ? '' : ` for ${f.duration} ms`}${f.amount === undefined ? '' : `, amount ${f.amount}`}${f.beyond ? ' (beyond bounds)' : ''}`)}</rect>`,
    );
  }
  for (const e of t.writes) {
    const y = rowY(e.client) + (e.resource === 'fenced' ? 20 : 10);
    const lost = e.accepted && e.before !== e.read;
    const cls = `write ${e.resource}${e.accepted ? '' : ' rejected'}${lost ? ' lost' : ''}`;
    parts.push(
      `<circle class="${cls}" cx="${x(e.t)}" cy="${y}" r="4">${title(`c${e.client} writes ${e.resource}: read ${e.read} at ${e.tRead}, found ${e.before}${e.fence === undefined ? '' : `, fence ${e.fence}`}${e.accepted ? '' : ', REFUSED (stale fence)'}${lost ? ', LOST UPDATE' : ''}`)}</circle>`,
    );
    if (e.fence !== undefined && e.resource === 'fenced') {
      parts.push(`<text class="fence" x="${x(e.t) + 5}" y="${y - 5}">${e.fence % 100_000}</text>`);
    }
  }
  violations.forEach((v, i) => {
    parts.push(
      `<g class="violation ${v.label}"><line x1="${x(v.at)}" x2="${x(v.at)}" y1="24" y2="${height - 24}"/><text x="${x(v.at) + 3}" y="20">${i + 1}</text>${title(`#${i + 1} ${v.invariant} (${v.label}) at ${v.at} ms: ${v.message}`)}</g>`,
    );
  });
  for (let i = 0; i <= 10; i += 1) {
    const ms = Math.round((t.end * i) / 10);
    parts.push(`<text class="tick" x="${x(ms)}" y="${height - 6}">${ms}</text>`);
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" class="timeline" data-key="${escapeHtml(t.key)}" viewBox="0 0 ${LABEL + WIDTH + 40} ${height}" width="100%">${parts.join('')}</svg>`;
}
