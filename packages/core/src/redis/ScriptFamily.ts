import { defineScript, type Script } from './Script.js';

/**
 * Scripts that differ only in flags written into their source; see {@link defineScriptFamily}.
 *
 * @example
 * ```ts
 * const script: Script = RELEASE.get('f');
 * ```
 */
export interface ScriptFamily {
  readonly name: string;
  /** Every variant, one per flag spelling. */
  readonly variants: readonly Script[];
  /** The variant for `flags`. @throws for a spelling the family was not defined with. */
  get(flags: string): Script;
}

/**
 * Scripts that differ only in flags written into their source, so a call sends no flags argument (every ARGV
 * element costs the server a Lua string and a table slot per call). Every variant is built here, from the
 * given spellings (lower-case letters, never user data): all of them are constants.
 *
 * @throws Error when a spelling is not lower-case letters only.
 * @example
 * ```ts
 * const PROBE = defineScriptFamily('probe', ['', 'f'], (flags) => `return ${flags.includes('f')}`);
 * PROBE.get('f').name // 'probe (f)'
 * ```
 */
export function defineScriptFamily(
  name: string,
  spellings: readonly string[],
  source: (flags: string) => string,
): ScriptFamily {
  const scripts = new Map<string, Script>();
  for (const flags of spellings) {
    if (!/^[a-z]*$/.test(flags)) throw new Error(`Script flags must be lower-case letters, got ${flags}`);
    scripts.set(flags, defineScript(flags === '' ? name : `${name} (${flags})`, source(flags)));
  }
  return {
    name,
    variants: [...scripts.values()],
    get(flags) {
      const script = scripts.get(flags);
      if (!script) throw new Error(`${name} has no variant for the flags "${flags}"`);
      return script;
    },
  };
}
