// A throwaway app under os.tmpdir() that installs the packed tarballs the way npm lays them out: each tarball's
// package/ folder in node_modules/<name>, and every third-party dependency or peer dependency that a packed
// manifest declares linked at the top level (as npm hoists it) from the workspace's own install. Nothing is
// downloaded, and a package that imports something its manifest does not declare fails to load.
import { cp, mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { PackedPackage } from './packedPackages.js';
import { ROOT } from './publicPackages.js';
import { extractTarball, readPackedManifest } from './tarball.js';

/** What a TypeScript app that uses the packages adds itself: Node's and the frameworks' type declarations. */
const APP_DEV_DEPENDENCIES = ['@types/node', '@types/express', '@types/koa'];

/** A throwaway app with the tarballs installed. */
export interface ConsumerProject {
  readonly dir: string;
  /** Copies `source` into the project as `name`. */
  add(source: string, name: string): Promise<string>;
  /** Writes `content` into the project as `name`. */
  write(name: string, content: string): Promise<string>;
  remove(): Promise<void>;
}

/** Creates the app and installs `packed` (all public packages) into it. */
export async function createConsumerProject(packed: readonly PackedPackage[]): Promise<ConsumerProject> {
  const dir = await mkdtemp(join(tmpdir(), 'deadbolt-consumer-'));
  const modules = join(dir, 'node_modules');
  const linked = new Map<string, string>();
  const ours = new Set(packed.map((pkg) => pkg.name));
  for (const pkg of packed) {
    await extractTarball(pkg.tarball, join(modules, pkg.name));
    const manifest = await readPackedManifest(pkg.tarball);
    const declared = Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies });
    for (const name of declared) {
      if (name.startsWith('@deadbolt/')) {
        if (!ours.has(name)) throw new Error(`${pkg.name} depends on ${name}, which is not a public package`);
      } else if (!linked.has(name)) {
        // The version the workspace installed for this package (pnpm links declared deps and peers there).
        linked.set(name, await realpath(join(pkg.dir, 'node_modules', name)));
      }
    }
  }
  for (const name of APP_DEV_DEPENDENCIES) linked.set(name, await realpath(join(ROOT, 'node_modules', name)));
  for (const [name, target] of linked) {
    const link = join(modules, name);
    await mkdir(dirname(link), { recursive: true });
    await symlink(target, link, 'dir');
  }
  await writeFile(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: 'deadbolt-consumer', version: '0.0.0', private: true }, null, 2)}\n`,
  );
  return {
    dir,
    add: async (source, name) => {
      await cp(source, join(dir, name));
      return join(dir, name);
    },
    write: async (name, content) => {
      await writeFile(join(dir, name), content);
      return join(dir, name);
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
