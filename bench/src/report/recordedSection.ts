import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { spliceSection, type SectionMarkers } from './spliceSection.js';

/**
 * A section of RESULTS.md that a command of its own writes (`pnpm bench --held`, `--pipelining`): its record is
 * kept in a JSON file next to RESULTS.md, so that a full `pnpm bench`, which rewrites RESULTS.md, puts the
 * section back.
 */
export interface RecordedSection<R> {
  /** The JSON file next to RESULTS.md, e.g. `held.json`. */
  readonly file: string;
  readonly markers: SectionMarkers;
  /** The section's Markdown, between its markers. */
  readonly render: (record: R) => string;
}

/**
 * Writes `record` to the section's JSON file in `outDir` and its section into `outDir`'s RESULTS.md.
 *
 * @example
 * ```ts
 * await writeRecorded(outDir, HELD_SECTION, { command, environment, result })
 * ```
 */
export async function writeRecorded<R>(
  outDir: string,
  section: RecordedSection<R>,
  record: R,
): Promise<void> {
  await writeFile(join(outDir, section.file), `${JSON.stringify(record, null, 2)}\n`);
  await spliceRecorded(outDir, section, record);
}

/**
 * Puts the section of `record` (default: the one in `outDir`'s JSON file, if any) into `outDir`'s RESULTS.md,
 * replacing an earlier one and keeping the rest.
 *
 * @example
 * ```ts
 * await spliceRecorded(outDir, HELD_SECTION) // after a full run rewrote RESULTS.md
 * ```
 */
export async function spliceRecorded<R>(
  outDir: string,
  section: RecordedSection<R>,
  record?: R,
): Promise<void> {
  const kept = record ?? (await readRecorded(outDir, section));
  if (kept === undefined) return;
  const markdown = join(outDir, 'RESULTS.md');
  const existing = await readFile(markdown, 'utf8').catch(() => undefined);
  await writeFile(markdown, spliceSection(existing, section.render(kept), section.markers));
}

/** The record in `outDir`'s JSON file of the section, if there is one. */
async function readRecorded<R>(outDir: string, section: RecordedSection<R>): Promise<R | undefined> {
  try {
    return JSON.parse(await readFile(join(outDir, section.file), 'utf8')) as R;
  } catch {
    return undefined;
  }
}
