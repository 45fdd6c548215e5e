// Packs every public package once per test process, with `pnpm pack`, into one temporary folder.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publicPackages, type PublicPackage } from './publicPackages.js';
import { run } from './run.js';

/** A public package and the tarball `pnpm pack` made of it. */
export interface PackedPackage extends PublicPackage {
  /** Absolute path of the `.tgz`. */
  readonly tarball: string;
}

let packing: Promise<PackedPackage[]> | undefined;

/**
 * The tarballs of every public package, exactly as `pnpm publish` would upload them (`workspace:` ranges
 * rewritten, `publishConfig` applied). Packs once per process; the folder is removed when the process exits.
 * Packing does not build: `pnpm test` builds first (run `pnpm run build` before running these tests alone).
 */
export function packedPackages(): Promise<PackedPackage[]> {
  packing ??= packAll();
  return packing;
}

async function packAll(): Promise<PackedPackage[]> {
  const destination = mkdtempSync(join(tmpdir(), 'deadbolt-pack-'));
  process.once('exit', () => rmSync(destination, { recursive: true, force: true }));
  const packages = publicPackages();
  return Promise.all(
    packages.map(async (pkg) => {
      const { stdout } = await run('pnpm', ['pack', '--json', '--pack-destination', destination], {
        cwd: pkg.dir,
      });
      const { filename } = JSON.parse(stdout) as { filename: string };
      return { ...pkg, tarball: filename };
    }),
  );
}
