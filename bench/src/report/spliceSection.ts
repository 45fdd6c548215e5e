/** The comment lines that open and close a section of RESULTS.md written by its own command. */
export interface SectionMarkers {
  readonly start: string;
  readonly end: string;
}

/**
 * RESULTS.md with `section` in place of an earlier one between the same markers, or inserted before
 * "## Settings" (appended when there is no such heading; a file of its own when there is no RESULTS.md yet).
 *
 * @example
 * ```ts
 * spliceSection(markdown, renderSoak(record), { start: '<!-- soak:start -->', end: '<!-- soak:end -->' })
 * ```
 */
export function spliceSection(
  markdown: string | undefined,
  section: string,
  { start: START, end: END }: SectionMarkers,
): string {
  if (markdown === undefined) return `# deadbolt benchmarks\n\n${section}`;
  const start = markdown.indexOf(START);
  const end = markdown.indexOf(END);
  if (start >= 0 && end > start) {
    const rest = markdown.slice(end + END.length).replace(/^\n+/, '');
    return `${markdown.slice(0, start)}${section}${rest.length > 0 ? `\n${rest}` : ''}`;
  }
  const settings = markdown.indexOf('\n## Settings');
  if (settings < 0) return `${markdown.trimEnd()}\n\n${section}`;
  return `${markdown.slice(0, settings + 1)}${section}\n${markdown.slice(settings + 1)}`;
}
