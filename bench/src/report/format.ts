/** `12,345` */
export function formatCount(value: number): string {
  return Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : '—';
}

/** Milliseconds with precision that suits their size: `0.412`, `3.10`, `84.2`, `1,203`. */
export function formatMs(value: number): string {
  if (!Number.isFinite(value)) return '—';
  if (value < 1) return value.toFixed(3);
  if (value < 10) return value.toFixed(2);
  if (value < 1000) return value.toFixed(1);
  return formatCount(value);
}

/** A ratio with two decimals: `0.97`. */
export function formatRatio(value: number): string {
  return Number.isFinite(value) ? value.toFixed(2) : '—';
}

/** CPU time in µs: one decimal below 100 (`51.3`), whole numbers above (`3,101`). */
export function formatMicros(value: number): string {
  if (!Number.isFinite(value)) return '—';
  return value < 100 ? value.toFixed(1) : formatCount(value);
}

/** A per-grant count with one decimal: `2.0`. */
export function formatPerGrant(value: number): string {
  return Number.isFinite(value) ? value.toFixed(1) : '—';
}
