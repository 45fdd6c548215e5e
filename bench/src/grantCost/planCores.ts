import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as DeadboltCore from '@deadbolt/core';
import type { GrantPlan } from './grantPlan.js';

/**
 * The cores `plan` measures, each with its `--core` root: the built `ROOT/packages/core/dist` of each worktree,
 * or `@deadbolt/core` as this process resolves it for the root `source` and when no `--core` is given.
 *
 * @example
 * ```ts
 * const cores = await planCores(parseGrantArgs(['--core', '/work/main', '--core', 'source']))
 * // [['/work/main', core of /work/main/packages/core/dist], ['source', @deadbolt/core]]
 * ```
 */
export async function planCores(plan: GrantPlan): Promise<[root: string, core: typeof DeadboltCore][]> {
  return Promise.all(
    (plan.cores.length === 0 ? ['source'] : plan.cores).map(
      async (root): Promise<[string, typeof DeadboltCore]> => [
        root,
        root === 'source'
          ? await import('@deadbolt/core')
          : ((await import(
              pathToFileURL(resolve(root, 'packages/core/dist/index.js')).href
            )) as typeof DeadboltCore),
      ],
    ),
  );
}

/**
 * The variants of `variants` that `plan` runs: those whose name contains one of `--only`'s parts, or all.
 *
 * @example
 * ```ts
 * planVariants(parseGrantArgs(['--only', 'raw']), [RAW_FLOOR, deadbolt]) // [RAW_FLOOR]
 * ```
 */
export function planVariants<V extends { readonly name: string }>(
  plan: GrantPlan,
  variants: readonly V[],
): V[] {
  return plan.only.length === 0
    ? [...variants]
    : variants.filter((variant) => plan.only.some((part) => variant.name.includes(part)));
}
