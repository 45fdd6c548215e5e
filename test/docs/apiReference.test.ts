// The API reference site that `pnpm run docs` builds into docs/api (`pnpm test` builds it before the tests run):
// every guide of the repository is a page of it, beside the packages' READMEs and API.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { docFiles, ROOT } from './support/docFiles.js';

const SITE = join(ROOT, 'docs', 'api');
const config = JSON.parse(readFileSync(join(ROOT, 'typedoc.json'), 'utf8')) as {
  projectDocuments?: string[];
  entryPoints?: string[];
};

describe('docs: the API reference site (pnpm run docs)', () => {
  it('lists every guide (docs/, packages/*/docs/, SECURITY.md, the examples) as a project document', () => {
    const guides = docFiles().filter(
      (file) => file !== 'README.md' && !/^packages\/[^/]+\/README\.md$/.test(file),
    );
    expect(config.projectDocuments ?? []).to.have.members(guides);
  });

  it('documents every package', () => {
    const packages = readdirSync(join(ROOT, 'packages')).filter((dir) =>
      existsSync(join(ROOT, 'packages', dir, 'package.json')),
    );
    expect(config.entryPoints).to.have.members(packages.map((dir) => `packages/${dir}`));
  });

  it('was built with a start page and a page per guide', () => {
    if (!existsSync(join(SITE, 'index.html')))
      throw new Error('docs/api is not built: run pnpm run docs first');
    const pages = readdirSync(join(SITE, 'documents'));
    for (const guide of config.projectDocuments ?? [])
      expect(pages, guide).to.include(`${guide.replace(/\.md$/, '').replace(/[/]/g, '_')}.html`);
    const index = readFileSync(join(SITE, 'index.html'), 'utf8');
    expect(index).to.include('documents/docs_how-it-works.html');
  });
});
