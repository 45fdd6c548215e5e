// A clean app outside the workspace that installs packed tarballs with npm, as a user installs the published
// packages: third-party dependencies and peers come from the registry (or npm's cache), ours only from the
// tarballs given, never from the registry.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { run, runAnyExit, type RunResult } from '../../test/packaging/support/run.js';
import type { Tarball } from './packStage.js';

/** An app with some of the release's tarballs installed. */
export interface NpmConsumer {
  readonly dir: string;
  /** Our packages installed in it, by name, and the third-party ones named on the install command. */
  readonly installed: readonly string[];
  /** Runs `node <file> <args>` in the app (`file` relative to it); resolves with its output and exit code. */
  node(file: string, args?: readonly string[], env?: NodeJS.ProcessEnv): Promise<RunResult>;
  remove(): Promise<void>;
}

/** What the lockfile says about one installed package. */
interface LockEntry {
  readonly version?: string;
  readonly resolved?: string;
}

/**
 * Creates an app under the OS temp dir with a copy of the `programs` folder, and runs
 * `npm install <tarballs…> <thirdParty…>` in it (npm installs missing peers itself). Rejects when one of our
 * packages was fetched from anywhere but a given tarball.
 */
export async function createNpmConsumer(
  tarballs: readonly Tarball[],
  thirdParty: readonly string[],
  programs: string,
): Promise<NpmConsumer> {
  const dir = await mkdtemp(join(tmpdir(), 'deadbolt-npm-consumer-'));
  await cp(programs, join(dir, basename(programs)), { recursive: true });
  await writeFile(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: 'deadbolt-npm-consumer', version: '0.0.0', private: true }, null, 2)}\n`,
  );
  await run(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      '--loglevel=error',
      ...tarballs.map((t) => t.file),
      ...thirdParty,
    ],
    { cwd: dir, timeout: 300_000 },
  );
  const lock = JSON.parse(await readFile(join(dir, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, LockEntry>;
  };
  const ours = Object.entries(lock.packages).filter(([path]) => /node_modules\/@deadbolt\//.test(path));
  for (const [path, entry] of ours) {
    const name = path.slice(path.lastIndexOf('@deadbolt/'));
    const tarball = tarballs.find((t) => t.name === name);
    if (tarball === undefined || entry.resolved === undefined || !entry.resolved.startsWith('file:'))
      throw new Error(
        `${name} was installed from ${entry.resolved ?? 'the registry'}, not from a tarball of this release`,
      );
    if (entry.version !== tarball.manifest.version)
      throw new Error(
        `${name} ${entry.version ?? '?'} installed, the tarball is ${tarball.manifest.version}`,
      );
  }
  return {
    dir,
    installed: [...tarballs.map((t) => t.name), ...thirdParty],
    node: (file, args = [], env = {}) =>
      runAnyExit(process.execPath, [file, ...args], {
        cwd: dir,
        env: { ...process.env, ...env },
        timeout: 120_000,
      }),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
