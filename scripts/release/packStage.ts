// Packs every public package of a stage with `pnpm pack`, exactly as `pnpm publish` would upload it
// (workspace: ranges rewritten to the staged versions, publishConfig applied).
import { join } from 'node:path';
import { readManifest, type Manifest } from '../../test/packaging/support/publicPackages.js';
import { run } from '../../test/packaging/support/run.js';
import type { Stage } from './stage.js';

/** A packed package of a stage. */
export interface Tarball {
  readonly name: string;
  /** The package's folder name under packages/, e.g. `core`. */
  readonly folder: string;
  /** Its staged package.json (after any `changeset version`). */
  readonly manifest: Manifest;
  /** Absolute path of the `.tgz`. */
  readonly file: string;
}

/** Packs each public package of `stage` into the stage folder. */
export async function packStage(stage: Stage): Promise<Tarball[]> {
  const tarballs: Tarball[] = [];
  for (const pkg of stage.packages) {
    const folder = pkg.dir.split(/[\\/]/).pop() ?? '';
    const dir = join(stage.dir, 'packages', folder);
    const { stdout } = await run('pnpm', ['pack', '--json', '--pack-destination', stage.dir], { cwd: dir });
    const { filename } = JSON.parse(stdout) as { filename: string };
    tarballs.push({ name: pkg.name, folder, manifest: readManifest(dir), file: filename });
  }
  return tarballs;
}
