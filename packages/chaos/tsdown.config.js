// Build: the library as ESM + CommonJS with matching type declarations, and the `deadbolt-chaos` CLI (ESM, with a
// shebang) as dist/cli.js for the package's `bin`.
import base from '../../tsdown.base.js';

export default [
  base,
  {
    entry: { cli: 'src/cli.ts' },
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
