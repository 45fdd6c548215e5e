import { createHash } from 'node:crypto';

/**
 * A Lua script with its SHA1, ready for EVALSHA (see `ScriptRunner`).
 *
 * @example
 * ```ts
 * const script: Script = defineScript('probe', 'return 1');
 * ```
 */
export interface Script {
  readonly name: string;
  readonly source: string;
  readonly sha: string;
}

/**
 * Builds a {@link Script} from its Lua source, computing its SHA1 once.
 *
 * @example
 * ```ts
 * const PROBE = defineScript('probe', 'return 1');
 * await runner.run(PROBE, ['k'], []);
 * ```
 */
export function defineScript(name: string, source: string): Script {
  return { name, source, sha: createHash('sha1').update(source).digest('hex') };
}
