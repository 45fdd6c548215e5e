// What every published tarball must carry besides its code: the license, a changelog for its version, registry
// metadata that points back at the repository, dependencies that are published too, and a README whose links
// work on the registry's page.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../test/packaging/support/publicPackages.js';
import { run } from '../../test/packaging/support/run.js';
import type { Tarball } from './packStage.js';

/** The repository every package.json points at (to be confirmed when the GitHub organisation exists). */
export const REPOSITORY = 'https://github.com/deadbolt-js/deadbolt';

async function packedText(tarball: string, file: string): Promise<string> {
  return (await run('tar', ['-xzOf', tarball, `package/${file}`], { cwd: ROOT })).stdout;
}

/** Markdown link targets of `markdown` that are neither absolute URLs nor anchors in the same page. */
export function relativeLinks(markdown: string): string[] {
  return [...markdown.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)]
    .map((match) => match[1] ?? '')
    .filter((target) => !/^(https?:|mailto:|#)/.test(target));
}

/** Links of `markdown` into this repository whose file does not exist in the working tree. */
export function brokenRepositoryLinks(markdown: string): string[] {
  const prefix = new RegExp(`^${REPOSITORY.replace(/[.]/g, '\\.')}/(?:blob|tree)/main/([^#?]*)`);
  return [...markdown.matchAll(/\]\((https:[^)\s]+)\)/g)]
    .map((match) => prefix.exec(match[1] ?? '')?.[1])
    .filter((path): path is string => path !== undefined && !existsSync(join(ROOT, path)));
}

/** The problems of one tarball in a release of `released` (package names); empty when it may be published. */
export async function inspectTarball(tarball: Tarball, released: ReadonlySet<string>): Promise<string[]> {
  const problems: string[] = [];
  const files = new Set(
    (await run('tar', ['-tzf', tarball.file], { cwd: ROOT })).stdout
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => line.replace(/^package\//, '')),
  );
  for (const file of ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md'])
    if (!files.has(file)) problems.push(`no ${file} in the tarball`);
  const manifest = JSON.parse(await packedText(tarball.file, 'package.json')) as Record<string, unknown>;
  const version = String(manifest['version']);

  if (
    files.has('LICENSE') &&
    (await packedText(tarball.file, 'LICENSE')) !== readFileSync(join(ROOT, 'LICENSE'), 'utf8')
  )
    problems.push('LICENSE differs from the repository’s');
  if (manifest['license'] !== 'MIT')
    problems.push(`license is ${JSON.stringify(manifest['license'])}, not MIT`);
  if (
    files.has('CHANGELOG.md') &&
    !(await packedText(tarball.file, 'CHANGELOG.md')).includes(`\n## ${version}\n`)
  )
    problems.push(`CHANGELOG.md has no "## ${version}" section`);

  const repository = manifest['repository'] as { url?: string; directory?: string } | undefined;
  if (repository?.url !== `git+${REPOSITORY}.git`)
    problems.push(`repository.url is not git+${REPOSITORY}.git`);
  if (repository?.directory !== `packages/${tarball.folder}`)
    problems.push(`repository.directory is not packages/${tarball.folder}`);
  if (manifest['homepage'] !== `${REPOSITORY}/tree/main/packages/${tarball.folder}#readme`)
    problems.push('homepage is not the package’s folder in the repository');
  if ((manifest['bugs'] as { url?: string } | undefined)?.url !== `${REPOSITORY}/issues`)
    problems.push('bugs.url is not the repository’s issues');
  const keywords = manifest['keywords'];
  if (!Array.isArray(keywords) || keywords.length === 0) problems.push('no keywords');

  const ranges = {
    ...(manifest['dependencies'] as Record<string, string> | undefined),
    ...(manifest['peerDependencies'] as Record<string, string> | undefined),
  };
  for (const [name, range] of Object.entries(ranges)) {
    if (range.startsWith('workspace:')) problems.push(`${name}: unpublishable range ${range}`);
    if (name.startsWith('@deadbolt/') && !released.has(name))
      problems.push(`depends on ${name}, which this release does not publish`);
  }
  for (const bin of Object.values((manifest['bin'] as Record<string, string> | undefined) ?? {}))
    if (!files.has(bin.replace(/^\.\//, ''))) problems.push(`bin ${bin} is not in the tarball`);

  if (files.has('README.md')) {
    const readme = await packedText(tarball.file, 'README.md');
    for (const link of relativeLinks(readme))
      problems.push(`README link ${link} is relative (broken on the registry)`);
    for (const path of brokenRepositoryLinks(readme))
      problems.push(`README links to ${path}, which does not exist`);
  }
  return problems;
}
