// A release staged outside the workspace: a copy of what `pnpm publish` uploads for every public package, where
// `changeset version` can bump versions and write each CHANGELOG.md without touching the working tree.
import { cp, mkdir, mkdtemp, readdir, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { publicPackages, ROOT, type PublicPackage } from '../../test/packaging/support/publicPackages.js';
import { run } from '../../test/packaging/support/run.js';

/** The workspace copy a release is checked in. */
export interface Stage {
  readonly dir: string;
  /** The public packages, as copied (before any `changeset version`). */
  readonly packages: readonly PublicPackage[];
}

/** Files npm packs from a package whatever its `files` says, and that the release must ship. */
const ALWAYS = ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md'];

/** Changesets not yet turned into versions and changelogs (every .md in .changeset/ but its README). */
export async function pendingChangesets(root = ROOT): Promise<string[]> {
  const files = await readdir(join(root, '.changeset'));
  return files.filter((file) => file.endsWith('.md') && file.toLowerCase() !== 'readme.md').sort();
}

/**
 * Copies the root's package.json, LICENSE and .changeset/, and each public package's published files, into a new
 * folder under the OS temp dir; a workspace file that lists only packages/*; and a link to the workspace's
 * node_modules, so that changesets finds its changelog generator.
 */
export async function stageRelease(): Promise<Stage> {
  const dir = await mkdtemp(join(tmpdir(), 'deadbolt-release-'));
  for (const file of ['package.json', 'LICENSE', '.changeset'])
    await cp(join(ROOT, file), join(dir, file), { recursive: true });
  await writeFile(join(dir, 'pnpm-workspace.yaml'), 'packages:\n  - packages/*\n');
  await symlink(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  const packages = publicPackages();
  for (const pkg of packages) {
    const target = join(dir, 'packages', pkg.dir.slice(join(ROOT, 'packages').length + 1));
    await mkdir(target, { recursive: true });
    for (const entry of new Set([...ALWAYS, ...(pkg.manifest.files ?? [])])) {
      await cp(join(pkg.dir, entry), join(target, entry), { recursive: true }).catch((error: unknown) => {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      });
    }
  }
  const stage = { dir, packages };
  await linkWorkspaceDependencies(stage);
  return stage;
}

/**
 * Links each staged package's workspace dependencies into its node_modules, where `pnpm pack` reads the version
 * that a `workspace:` range is rewritten to (after `changeset version`, the bumped one).
 */
export async function linkWorkspaceDependencies(stage: Stage): Promise<void> {
  const folders = new Map(stage.packages.map((pkg) => [pkg.name, pkg.dir.split(/[\\/]/).pop() ?? '']));
  for (const pkg of stage.packages) {
    const ranges = { ...pkg.manifest.dependencies, ...pkg.manifest.peerDependencies };
    for (const [name, range] of Object.entries(ranges)) {
      const folder = folders.get(name);
      if (!range.startsWith('workspace:')) continue;
      if (folder === undefined) throw new Error(`${pkg.name} depends on ${name}, which is not published`);
      const link = join(stage.dir, 'packages', folders.get(pkg.name) ?? '', 'node_modules', name);
      await mkdir(dirname(link), { recursive: true });
      await symlink(join(stage.dir, 'packages', folder), link, 'dir');
    }
  }
}

/** Runs `changeset version` in the stage: bumps versions and writes each package's CHANGELOG.md from .changeset/. */
export async function versionStage(stage: Stage): Promise<string> {
  const { stdout, stderr } = await run(join(ROOT, 'node_modules', '.bin', 'changeset'), ['version'], {
    cwd: stage.dir,
  });
  return `${stdout}${stderr}`;
}
