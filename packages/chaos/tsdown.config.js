// Build: the library as ESM + CommonJS with matching type declarations, and the `deadbolt-chaos` CLI (ESM, with a
// shebang) as dist/cli.js for the package's `bin`.
export default [
  {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    platform: 'node',
    target: 'node20',
  },
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
