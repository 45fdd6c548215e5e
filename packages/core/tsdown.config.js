// Build: the shared ESM + CommonJS setup (see tsdown.base.js at the workspace root), with a second entry,
// `@deadbolt/core/validate`: the option and key checks the request layer (`@deadbolt/http`) shares with core.
import base from '../../tsdown.base.js';

export default { ...base, entry: { index: 'src/index.ts', validate: 'src/config/validate.ts' } };
