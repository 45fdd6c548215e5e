// Fenced code blocks of a Markdown file, with the directive a block may carry in an HTML comment just above it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './docFiles.js';

/** One fenced code block. */
export interface CodeBlock {
  /** The Markdown file, relative to the root. */
  readonly file: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  /** The info string's first word (`ts`, `sh`…), or `''`. */
  readonly lang: string;
  /** The block's text, without the fences and without the indentation of the fence. */
  readonly code: string;
  /** Names from a `<!-- prelude: a, b -->` comment on the closest non-blank line above the fence. */
  readonly preludes: readonly string[];
  /** `file:line`, for messages. */
  readonly where: string;
}

const FENCE = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)/;
const PRELUDE = /^\s*<!--\s*prelude:\s*([\w-]+(?:\s*,\s*[\w-]+)*)\s*-->\s*$/;

/** The fenced code blocks of `file` (relative to the root), in order. */
export function codeBlocks(file: string): CodeBlock[] {
  const lines = readFileSync(join(ROOT, file), 'utf8').split('\n');
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i] ?? '');
    if (open === null) continue;
    const [, indent = '', fence = '', lang = ''] = open;
    const body: string[] = [];
    let end = i + 1;
    for (; end < lines.length; end++) {
      const text = lines[end] ?? '';
      if (text.trim().startsWith(fence) && text.trim().replace(/[`~]/g, '') === '') break;
      body.push(text.startsWith(indent) ? text.slice(indent.length) : text.trimStart());
    }
    if (end === lines.length) throw new Error(`${file}:${i + 1}: code fence never closed`);
    let above = i - 1;
    while (above >= 0 && (lines[above] ?? '').trim() === '') above--;
    const directive = PRELUDE.exec(lines[above] ?? '');
    const preludes = directive?.[1]?.split(',').map((name) => name.trim()) ?? [];
    blocks.push({ file, line: i + 1, lang, code: body.join('\n'), preludes, where: `${file}:${i + 1}` });
    i = end;
  }
  return blocks;
}

/**
 * The commands of a shell block: one per line, `\`-continued lines joined, comment lines dropped and a trailing
 * `# comment` cut off.
 */
export function shellCommands(code: string): string[] {
  return code
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map((line) => line.replace(/(^|\s)#.*$/, '').trim())
    .filter((line) => line !== '');
}
