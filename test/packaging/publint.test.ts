// publint (strict) over the tarball of every public package: the files its package.json points at exist in
// the tarball, the exports map is well formed, and the module formats match the file extensions.
import { readFile } from 'node:fs/promises';
import { expect } from 'chai';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { packedPackages } from './support/packedPackages.js';
import { publicPackages } from './support/publicPackages.js';
import { readPackedManifest } from './support/tarball.js';

describe('packaging: publint', function () {
  this.timeout(60_000);

  for (const { name } of publicPackages()) {
    it(`${name}: no publint errors, warnings or suggestions (strict)`, async function () {
      const pkg = (await packedPackages()).find((packed) => packed.name === name);
      if (pkg === undefined) throw new Error(`${name} was not packed`);
      const tarball = await readFile(pkg.tarball);
      const { messages, pkg: manifest } = await publint({
        pkgDir: 'package',
        strict: true,
        level: 'suggestion',
        pack: { tarball: tarball.buffer.slice(tarball.byteOffset, tarball.byteOffset + tarball.byteLength) },
      });
      const report = messages.map(
        (message) => `${message.type}: ${formatMessage(message, manifest) ?? message.code}`,
      );
      expect(report, `publint on ${pkg.tarball}`).to.deep.equal([]);
    });

    it(`${name}: the published exports map has no monorepo-only condition`, async function () {
      const pkg = (await packedPackages()).find((packed) => packed.name === name);
      if (pkg === undefined) throw new Error(`${name} was not packed`);
      const manifest = await readPackedManifest(pkg.tarball);
      expect(JSON.stringify(manifest.exports)).not.to.include('"source"');
      expect(manifest.exports?.['.']).to.deep.equal({
        import: { types: './dist/index.d.ts', default: './dist/index.js' },
        require: { types: './dist/index.d.cts', default: './dist/index.cjs' },
      });
      const ranges = { ...manifest.dependencies, ...manifest.peerDependencies };
      expect(Object.values(ranges).filter((range) => range.startsWith('workspace:'))).to.deep.equal([]);
    });
  }
});
