// The build every package shares: ESM + CommonJS with matching type declarations
// (dist/index.js + index.d.ts, dist/index.cjs + index.d.cts), for Node 20.
export default {
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  platform: 'node',
  target: 'node20',
};
