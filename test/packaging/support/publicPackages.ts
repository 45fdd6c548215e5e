// The workspace packages that are published: every packages/*/package.json that is not private.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The monorepo root. */
export const ROOT = resolve(import.meta.dirname, '../../..');

/** The parts of a package.json the packaging tests read. */
export interface Manifest {
  readonly name: string;
  readonly version: string;
  readonly private?: boolean;
  readonly type?: string;
  readonly exports?: Record<string, unknown>;
  readonly bin?: Record<string, string>;
  readonly files?: readonly string[];
  readonly dependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
  readonly publishConfig?: Record<string, unknown>;
}

/** A public workspace package. */
export interface PublicPackage {
  /** e.g. `@deadbolt/core`. */
  readonly name: string;
  /** Absolute path of its folder. */
  readonly dir: string;
  /** Its package.json as in the workspace (before `pnpm pack` rewrites `workspace:` ranges). */
  readonly manifest: Manifest;
}

/** Reads a package.json. */
export function readManifest(dir: string): Manifest {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
}

/** Every public package under packages/, sorted by folder name. */
export function publicPackages(): PublicPackage[] {
  const base = join(ROOT, 'packages');
  return readdirSync(base)
    .sort()
    .map((folder) => join(base, folder))
    .filter((dir) => existsSync(join(dir, 'package.json')))
    .map((dir) => ({ dir, manifest: readManifest(dir) }))
    .filter(({ manifest }) => manifest.private !== true)
    .map(({ dir, manifest }) => ({ name: manifest.name, dir, manifest }));
}
