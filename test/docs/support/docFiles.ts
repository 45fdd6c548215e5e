// The documentation whose code blocks `pnpm test` checks: every README and guide a user reads.
import { existsSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

/** The monorepo root. */
export const ROOT = resolve(import.meta.dirname, '../../..');

/** Markdown files under `dir` (relative to the root), recursively; `skip` lists folders not to enter. */
function markdownUnder(dir: string, skip: readonly string[] = []): string[] {
  const base = join(ROOT, dir);
  if (!existsSync(base)) return [];
  return readdirSync(base, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.md') && !skip.some((folder) => file.startsWith(`${folder}/`)))
    .map((file) => relative(ROOT, join(base, file)));
}

/** Folders holding packages, each with its own README and, for some, a docs/ folder. */
function packageFolders(): string[] {
  return readdirSync(join(ROOT, 'packages'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => `packages/${entry.name}`);
}

/**
 * Every README and guide, relative to the root: README.md, SECURITY.md, docs/** (not the generated docs/api),
 * packages/* /README.md, packages/* /docs/**, examples/** /README.md. Sorted.
 */
export function docFiles(): string[] {
  const files = [
    'README.md',
    'SECURITY.md',
    ...markdownUnder('docs', ['api']),
    ...packageFolders().flatMap((dir) => [
      ...(existsSync(join(ROOT, dir, 'README.md')) ? [`${dir}/README.md`] : []),
      ...markdownUnder(`${dir}/docs`),
    ]),
    ...markdownUnder('examples').filter((file) => file.endsWith('README.md')),
  ];
  return [...new Set(files)].sort();
}
