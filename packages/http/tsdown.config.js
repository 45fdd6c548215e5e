// Build: the shared ESM + CommonJS setup (see tsdown.base.js at the workspace root), with a second entry,
// `@deadbolt/http/conformance`: the behavioural suite every adapter's tests run.
import base from '../../tsdown.base.js';

export default { ...base, entry: { index: 'src/index.ts', conformance: 'src/conformance/index.ts' } };
