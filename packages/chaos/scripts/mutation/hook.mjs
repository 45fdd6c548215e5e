// Module loader hook of `pnpm mutation`: serves one file of packages/core/src with one mutant applied, in memory.
// Registered before tsx, so tsx compiles the mutated TypeScript; the file on disk is never touched.
/** @type {{ file: string, search: string, replace: string } | undefined} */
let mutant;

export function initialize(data) {
  mutant = data;
}

export async function load(url, context, nextLoad) {
  const loaded = await nextLoad(url, context);
  if (!mutant || !url.startsWith('file:') || !new URL(url).pathname.endsWith(mutant.file)) return loaded;
  const source = String(loaded.source);
  const parts = source.split(mutant.search);
  if (parts.length !== 2)
    throw new Error(
      `mutant: "${mutant.search}" occurs ${parts.length - 1} times in ${mutant.file}, not once`,
    );
  return { ...loaded, source: parts.join(mutant.replace) };
}
