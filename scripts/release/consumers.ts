// The clean apps a release is tried in: each package alone, installed as its README says, and one program that
// mixes the module formats. Each app runs its smoke check (smoke/<check>.cjs) from ESM and from CommonJS.
import type { Tarball } from './packStage.js';

/** One app and what it runs. */
export interface ConsumerPlan {
  /** e.g. `@deadbolt/express alone`. */
  readonly label: string;
  /** Our packages to install: the package and the ones it depends on (published with it). */
  readonly packages: readonly string[];
  /** What its README's install command adds besides ours (npm adds missing peers itself). */
  readonly thirdParty: readonly string[];
  /** The smoke check, run through each entry. */
  readonly check: string;
  readonly entries: readonly ('entry.mjs' | 'entry.cjs')[];
  /**
   * A failure this release is known to have, with the text its output must contain: the check must still fail
   * this way (when it passes, the expectation is stale and the dry run fails until it is removed).
   */
  readonly knownFailure?: { readonly output: string; readonly why: string };
}

const BOTH = ['entry.mjs', 'entry.cjs'] as const;

/** Per package: its README's third-party install arguments and its smoke check. */
const ALONE: Readonly<Record<string, { thirdParty: readonly string[]; check: string }>> = {
  '@deadbolt/core': { thirdParty: ['ioredis'], check: 'core' },
  '@deadbolt/http': { thirdParty: ['ioredis'], check: 'http' },
  '@deadbolt/express': { thirdParty: ['ioredis', 'express'], check: 'express' },
  '@deadbolt/koa': { thirdParty: ['ioredis', 'koa'], check: 'koa' },
  '@deadbolt/fastify': { thirdParty: ['ioredis', 'fastify'], check: 'fastify' },
  '@deadbolt/hono': { thirdParty: ['ioredis', 'hono', '@hono/node-server'], check: 'hono' },
  '@deadbolt/testing': { thirdParty: ['ioredis'], check: 'testing' },
  '@deadbolt/chaos': { thirdParty: [], check: 'chaos' },
};

/** `name` and every package of ours it depends on, transitively. */
function withDependencies(name: string, tarballs: readonly Tarball[]): string[] {
  const found = new Set<string>();
  const visit = (current: string) => {
    if (found.has(current)) return;
    found.add(current);
    const manifest = tarballs.find((t) => t.name === current)?.manifest;
    for (const dependency of Object.keys(manifest?.dependencies ?? {}))
      if (dependency.startsWith('@deadbolt/')) visit(dependency);
  };
  visit(name);
  return [...found].sort();
}

/** The apps to try `tarballs` in; a public package without a smoke check is an error. */
export function consumerPlans(tarballs: readonly Tarball[]): ConsumerPlan[] {
  const alone = tarballs.map((tarball): ConsumerPlan => {
    const spec = ALONE[tarball.name];
    if (spec === undefined)
      throw new Error(`${tarball.name} has no smoke check in scripts/release/consumers.ts`);
    return {
      label: `${tarball.name} alone`,
      packages: withDependencies(tarball.name, tarballs),
      ...spec,
      entries: BOTH,
    };
  });
  const mixed: ConsumerPlan = {
    label: 'ESM @deadbolt/core with CommonJS @deadbolt/express in one program',
    packages: withDependencies('@deadbolt/express', tarballs),
    thirdParty: ['ioredis', 'express'],
    check: 'mixed',
    entries: ['entry.mjs'],
  };
  return [...alone, mixed];
}
