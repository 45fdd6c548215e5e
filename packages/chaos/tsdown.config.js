// Build: ESM + CommonJS with matching type declarations (index.mjs/.cjs, index.d.mts/.d.cts).
export default {
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  platform: 'node',
  target: 'node20',
};
