// Build: the library as ESM + CommonJS with matching type declarations, and the `deadbolt-chaos` CLI (ESM, with a
// shebang) as dist/cli.js for the package's `bin`, and the client process entry as dist/clientProcess.js (next to
// the chunks that fork it: see src/real/child/ChildLockClient.ts).
import base from '../../tsdown.base.js';

export default [
  base,
  {
    entry: { cli: 'src/cli.ts', clientProcess: 'src/real/child/clientProcess.ts' },
    format: ['esm'],
    dts: false,
    sourcemap: true,
    clean: false,
    platform: 'node',
    target: 'node20',
    outExtensions: () => ({ js: '.js' }),
    banner: { js: '#!/usr/bin/env node' },
  },
];
