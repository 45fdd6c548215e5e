// Every code block of every README and guide is checked, so that examples cannot rot: TypeScript blocks are
// type-checked under the workspace's strict options (with Express 5 types, and the Express blocks with Express
// 4 types too), and every shell command is either run on a fresh clone (freshClone.test.ts) or listed with the
// test that shows it works (support/docCommands.ts).
//
// A block that uses names of the surrounding app (an `order`, a `db`, mocha's `describe`) says so with an HTML
// comment on the line above it, `<!-- prelude: orders -->`, naming files in test/docs/preludes/ whose
// declarations are put before it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { RUN_ON_FRESH_CLONE, TESTED_ELSEWHERE } from './support/docCommands.js';
import { docFiles, ROOT } from './support/docFiles.js';
import { codeBlocks, shellCommands, type CodeBlock } from './support/markdownBlocks.js';
import { typeCheckBlocks, type BlockDiagnostic, type ModulePaths } from './support/typeCheckBlocks.js';

/** The type variants a block is checked under; Express 4 only for blocks that use Express. */
const VARIANTS: readonly { name: string; paths?: ModulePaths; applies: (block: CodeBlock) => boolean }[] = [
  { name: 'Express 5 types', applies: () => true },
  {
    name: 'Express 4 types',
    paths: { express: [join(ROOT, 'node_modules', '@types', 'express4', 'index.d.ts')] },
    applies: (block) => /from '(express|@deadbolt\/express)'/.test(block.code),
  },
];

/**
 * Blocks that fail today for a reason outside the docs, each with the exact error it must still give: the test
 * fails when the error changes or goes away, so the entry is removed with the fix.
 */
const KNOWN_FAILURES: readonly {
  readonly file: string;
  readonly variant: string;
  readonly code: number;
  /** Part of the error message. */
  readonly message: string;
  /** The source line the error points at. */
  readonly text: string;
  readonly why: string;
}[] = [];

const blocks = docFiles().flatMap(codeBlocks);

describe('docs: code blocks', function () {
  this.timeout(120_000);

  it('finds the READMEs and guides, and code blocks in them', () => {
    const files = docFiles();
    for (const file of ['README.md', 'SECURITY.md', 'docs/how-it-works.md', 'packages/core/README.md'])
      expect(files).to.include(file);
    expect(files.filter((file) => file.startsWith('examples/'))).to.have.length.greaterThan(0);
    expect(blocks.filter((block) => block.lang === 'ts')).to.have.length.greaterThan(10);
  });

  it('every block is TypeScript (ts) or shell (sh), so that it is checked', () => {
    // A CI workflow step (yaml) may show only `- run: npx deadbolt-chaos …` lines: ci.test.ts parses each of them.
    const workflowOnly = (block: (typeof blocks)[number]): boolean =>
      block.lang === 'yaml' &&
      block.where.startsWith('packages/chaos/README.md') &&
      [...block.code.matchAll(/^\s*-?\s*run: (.*)$/gm)].every((m) =>
        (m[1] ?? '').startsWith('npx deadbolt-chaos '),
      );
    const other = blocks.filter(
      (block) => block.lang !== 'ts' && block.lang !== 'sh' && !workflowOnly(block),
    );
    expect(other.map((block) => `${block.where} (${block.lang || 'no language'})`)).to.deep.equal([]);
  });

  for (const variant of VARIANTS) {
    describe(`TypeScript blocks type-check under strict options with ${variant.name}`, () => {
      const checked = blocks.filter((block) => block.lang === 'ts' && variant.applies(block));
      let diagnostics: BlockDiagnostic[] = [];
      before(() => {
        diagnostics = typeCheckBlocks(checked, variant.paths);
      });

      for (const block of checked) {
        it(block.where, () => {
          const errors = diagnostics
            .filter((diagnostic) => diagnostic.block === block)
            .map((d) => `${d.where} TS${d.code}: ${d.message}\n    ${d.text}`);
          const known = KNOWN_FAILURES.filter((k) => k.file === block.file && k.variant === variant.name);
          const isKnown = (error: string) =>
            known.some((k) => error.includes(`TS${k.code}: ${k.message}`) && error.endsWith(`    ${k.text}`));
          const unexplained = errors.filter((error) => !isKnown(error));
          expect(unexplained, `${block.where} under ${variant.name}`).to.deep.equal([]);
          for (const k of known.filter((k) => block.code.includes(k.text)))
            expect(
              errors.some((error) => isKnown(error) && error.endsWith(`    ${k.text}`)),
              `${block.where}: the known failure at "${k.text}" is gone; remove it from KNOWN_FAILURES (${k.why})`,
            ).to.equal(true);
        });
      }
    });
  }

  it('every known failure names a block line that exists', () => {
    for (const known of KNOWN_FAILURES)
      expect(
        blocks.some((block) => block.file === known.file && block.code.includes(known.text)),
        `${known.file}: ${known.text}`,
      ).to.equal(true);
  });

  describe('shell blocks', () => {
    const documented = blocks
      .filter((block) => block.lang === 'sh')
      .flatMap((block) => shellCommands(block.code).map((command) => ({ command, where: block.where })));

    it('every documented command is run on a fresh clone or listed with the test that shows it works', () => {
      const known = new Set([...RUN_ON_FRESH_CLONE, ...TESTED_ELSEWHERE].map((entry) => entry.command));
      expect(documented.filter(({ command }) => !known.has(command))).to.deep.equal([]);
    });

    it('every listed command is still documented', () => {
      const shown = new Set(documented.map(({ command }) => command));
      const listed = [...RUN_ON_FRESH_CLONE, ...TESTED_ELSEWHERE].map((entry) => entry.command);
      expect(listed.filter((command) => !shown.has(command))).to.deep.equal([]);
      expect(listed.length, 'each command listed once').to.equal(new Set(listed).size);
    });

    it('the file named for each command tested elsewhere still runs it', () => {
      for (const entry of TESTED_ELSEWHERE)
        expect(
          readFileSync(join(ROOT, entry.file), 'utf8'),
          `${entry.file} for "${entry.command}"`,
        ).to.include(entry.mentions);
    });
  });
});
