// Build: the shared ESM + CommonJS setup (see tsdown.base.js at the workspace root).
export { default } from '../../tsdown.base.js';
