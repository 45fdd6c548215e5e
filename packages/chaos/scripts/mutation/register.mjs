// `node --import ./register.mjs --import tsx …`: applies the mutant in DEADBOLT_MUTANT (JSON: file, search, replace;
// file is an absolute path) to that one module as it loads. See hook.mjs.
import { register } from 'node:module';

const json = process.env.DEADBOLT_MUTANT;
if (json) register('./hook.mjs', import.meta.url, { data: JSON.parse(json) });
