// Links of the READMEs and guides: a relative link reaches a file of the repository (so every claim's link to its
// test works), and a package README, which the registry shows without the repository around it, links only to
// absolute URLs, whose targets in this repository exist.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { expect } from 'chai';
import { brokenRepositoryLinks, relativeLinks } from '../../scripts/release/inspectTarball.js';
import { docFiles, ROOT } from './support/docFiles.js';

const isPackageReadme = (file: string) => /^packages\/[^/]+\/README\.md$/.test(file);

describe('docs: links', () => {
  for (const file of docFiles()) {
    const markdown = readFileSync(join(ROOT, file), 'utf8');
    it(`${file}: every link reaches a file of the repository`, () => {
      const broken = relativeLinks(markdown).filter((link) => {
        const path = link.split('#')[0] ?? '';
        return !existsSync(join(ROOT, dirname(file), decodeURI(path)));
      });
      expect(broken).to.deep.equal([]);
      expect(brokenRepositoryLinks(markdown)).to.deep.equal([]);
    });

    if (isPackageReadme(file))
      it(`${file}: links are absolute, so they work on the registry's page`, () => {
        expect(relativeLinks(markdown)).to.deep.equal([]);
      });
  }

  it('the README starts with the two commands a newcomer runs', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(readme.split('\n').slice(0, 6).join('\n')).to.match(
      /^# deadbolt\n\n```sh\npnpm install && pnpm demo +# .*\npnpm test +# .*\n```$/,
    );
  });
});
