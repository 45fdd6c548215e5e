// `pnpm release --dry-run` as CI runs it (without its build step: `pnpm test` has just built): every package is
// staged, versioned by changesets, packed, inspected, and installed with npm in clean apps outside the workspace,
// alone and from ESM and CommonJS, plus one program that mixes the formats. Then the inspection is shown to
// catch what would break a release.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import { inspectTarball, REPOSITORY } from '../../scripts/release/inspectTarball.js';
import { packStage } from '../../scripts/release/packStage.js';
import { stageRelease, type Stage } from '../../scripts/release/stage.js';
import { publicPackages, ROOT } from '../packaging/support/publicPackages.js';
import { runAnyExit, type RunResult } from '../packaging/support/run.js';

const names = publicPackages().map((pkg) => pkg.name);

describe('release: pnpm release --dry-run', function () {
  this.timeout(900_000);
  let result: RunResult;

  before(async function () {
    result = await runAnyExit(
      process.execPath,
      ['--conditions=source', '--import=tsx', join('scripts', 'release.ts'), '--dry-run'],
      { cwd: ROOT, timeout: 900_000 },
    );
  });

  it('ends ready to publish, and publishes nothing', () => {
    expect(result.code, `${result.stdout}${result.stderr}`).to.equal(0);
    expect(result.stdout).to.match(/^ok: \d+ tarballs \(0 problems\)/m);
    expect(result.stdout).to.match(/^dry run: nothing was published$/m);
  });

  it('turns the pending changesets into versions and changelogs first', () => {
    expect(result.stdout).to.match(/^changeset version applied \S+\.md/m);
  });

  for (const name of names) {
    it(`${name}: the tarball has LICENSE, a CHANGELOG for its version, registry metadata, absolute README links`, () => {
      expect(result.stdout).to.match(new RegExp(`^${name}@\\S+: tarball ok$`, 'm'));
    });

    for (const entry of ['entry.mjs', 'entry.cjs'])
      it(`${name} alone in a clean npm app, from ${entry === 'entry.mjs' ? 'ESM (import)' : 'CommonJS (require)'}`, () => {
        expect(result.stdout).to.match(
          new RegExp(`^pass  ${name} alone \\(${entry.replace('.', '\\.')}\\)$`, 'm'),
        );
      });
  }

  it('ESM core with CommonJS express in one program: the ESM locker serves the CommonJS middleware, busy is 409', () => {
    // issue 19, item 5: the request layer checks the locker and the errors by a Symbol.for brand, not instanceof.
    expect(result.stdout).to.match(
      /^pass {2}ESM @deadbolt\/core with CommonJS @deadbolt\/express in one program \(entry\.mjs\)$/m,
    );
  });
});

describe('release: the tarball inspection', function () {
  this.timeout(120_000);
  let stage: Stage;
  before(async () => {
    stage = await stageRelease();
  });
  after(() => rm(stage.dir, { recursive: true, force: true }));

  it('finds a missing LICENSE and CHANGELOG, missing metadata, an unpublished dependency and broken README links', async () => {
    const dir = join(stage.dir, 'packages', 'core');
    await rm(join(dir, 'LICENSE'));
    await rm(join(stage.dir, 'LICENSE')); // pnpm packs the workspace's LICENSE into a package that has none
    const manifest = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
    delete manifest['keywords'];
    manifest['repository'] = { type: 'git', url: `git+${REPOSITORY}.git` };
    manifest['dependencies'] = { '@deadbolt/not-released': '^1.0.0' };
    await writeFile(join(dir, 'package.json'), JSON.stringify(manifest));
    const readme = await readFile(join(dir, 'README.md'), 'utf8');
    await writeFile(
      join(dir, 'README.md'),
      `${readme}\n[topologies](docs/topologies.md) [gone](${REPOSITORY}/blob/main/docs/gone.md)\n`,
    );
    const core = stage.packages.filter((pkg) => pkg.name === '@deadbolt/core');
    const [tarball] = await packStage({ ...stage, packages: core });
    if (tarball === undefined) throw new Error('core was not packed');
    expect(await inspectTarball(tarball, new Set(names))).to.have.members([
      'no LICENSE in the tarball',
      'no CHANGELOG.md in the tarball',
      'repository.directory is not packages/core',
      'no keywords',
      'depends on @deadbolt/not-released, which this release does not publish',
      'README link docs/topologies.md is relative (broken on the registry)',
      'README links to docs/gone.md, which does not exist',
    ]);
  });
});
