// Reads and extracts packed tarballs with the system `tar` (the npm tarball layout: everything under package/).
import { mkdir } from 'node:fs/promises';
import type { Manifest } from './publicPackages.js';
import { run } from './run.js';

/** The package.json inside a tarball, as the registry would serve it. */
export async function readPackedManifest(tarball: string): Promise<Manifest> {
  const { stdout } = await run('tar', ['-xzOf', tarball, 'package/package.json'], { cwd: process.cwd() });
  return JSON.parse(stdout) as Manifest;
}

/** Extracts a tarball's `package/` folder into `dir`, as `npm install` does. */
export async function extractTarball(tarball: string, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await run('tar', ['-xzf', tarball, '-C', dir, '--strip-components=1'], { cwd: dir });
}
