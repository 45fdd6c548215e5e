// Consumer tests: the packed tarballs, installed into a throwaway app, used from CommonJS (require), ESM
// (import) and TypeScript with node16 and bundler resolution (type-checked with tsc).
import { expect } from 'chai';
import { join } from 'node:path';
import { createConsumerProject, type ConsumerProject } from './support/consumerProject.js';
import { packedPackages } from './support/packedPackages.js';
import { ROOT } from './support/publicPackages.js';
import { run } from './support/run.js';

const FIXTURES = join(ROOT, 'test', 'packaging', 'consumer');
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

/** Compiler options shared by both resolution modes: strict, and the packages' own declarations checked too. */
const COMMON_OPTIONS = {
  strict: true,
  noEmit: true,
  skipLibCheck: false,
  esModuleInterop: true,
  target: 'es2022',
  types: ['node'],
};

describe('packaging: consumers of the packed tarballs', function () {
  this.timeout(60_000);
  let project: ConsumerProject;

  before(async function () {
    project = await createConsumerProject(await packedPackages());
  });
  after(async function () {
    await project?.remove();
  });

  it('CommonJS: require() loads every package (dist/index.cjs) and takes a lock on real Redis', async function () {
    const file = await project.add(join(FIXTURES, 'require.cjs'), 'require.cjs');
    const { stdout } = await run(process.execPath, [file], { cwd: project.dir, timeout: 30_000 });
    expect(stdout).to.include('require ok');
  });

  it('ESM: import loads every package (dist/index.js), serves locked Express, Koa and Hono routes, runs chaos', async function () {
    const file = await project.add(join(FIXTURES, 'import.mjs'), 'import.mjs');
    const { stdout } = await run(process.execPath, [file], { cwd: project.dir, timeout: 30_000 });
    expect(stdout).to.include('import ok');
  });

  // One program per module format, as an app is either; and one program with both (see the next test).
  for (const [format, extension] of [
    ['a CommonJS module', 'cts'],
    ['an ES module', 'mts'],
  ] as const) {
    it(`TypeScript, moduleResolution node16: type-checks as ${format} (.${extension})`, async function () {
      await project.add(join(FIXTURES, 'types.ts'), `consumer.${extension}`);
      const config = {
        compilerOptions: { ...COMMON_OPTIONS, module: 'node16', moduleResolution: 'node16' },
        files: [`consumer.${extension}`],
      };
      const tsconfig = await project.write(`tsconfig.${extension}.json`, JSON.stringify(config, null, 2));
      await run(process.execPath, [TSC, '-p', tsconfig], { cwd: project.dir });
    });
  }

  it('TypeScript, node16: one program loading both formats merges the Express.Request.lock augmentation', async function () {
    // Both declaration files of @deadbolt/express augment Express.Request; they must declare the same type.
    await project.add(join(FIXTURES, 'types.ts'), 'both.cts');
    await project.add(join(FIXTURES, 'types.ts'), 'both.mts');
    const config = {
      compilerOptions: { ...COMMON_OPTIONS, module: 'node16', moduleResolution: 'node16' },
      files: ['both.cts', 'both.mts'],
    };
    const tsconfig = await project.write('tsconfig.both.json', JSON.stringify(config, null, 2));
    await run(process.execPath, [TSC, '-p', tsconfig], { cwd: project.dir });
  });

  it('TypeScript, moduleResolution bundler: type-checks', async function () {
    await project.add(join(FIXTURES, 'types.ts'), 'consumer.ts');
    const config = {
      compilerOptions: { ...COMMON_OPTIONS, module: 'preserve', moduleResolution: 'bundler' },
      files: ['consumer.ts'],
    };
    const tsconfig = await project.write('tsconfig.bundler.json', JSON.stringify(config, null, 2));
    await run(process.execPath, [TSC, '-p', tsconfig], { cwd: project.dir });
  });
});
