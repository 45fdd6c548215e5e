// Are the types wrong? over the tarball of every public package: `import` and `require` resolve to types of
// the right module format under node10, node16 (from CJS and from ESM) and bundler resolution.
import { expect } from 'chai';
import { join } from 'node:path';
import { packedPackages } from './support/packedPackages.js';
import { publicPackages, ROOT } from './support/publicPackages.js';
import { runAnyExit } from './support/run.js';

/** The CLI's JSON report: the problems found (an empty list or object when there are none). */
interface AttwReport {
  readonly problems: unknown[] | Record<string, unknown[]>;
  readonly analysis: { readonly entrypoints: Record<string, unknown> };
}

const ATTW = join(ROOT, 'node_modules', '.bin', 'attw');

describe('packaging: are the types wrong', function () {
  this.timeout(60_000);

  for (const { name } of publicPackages()) {
    it(`${name}: no problems under node10, node16 (CJS and ESM) and bundler`, async function () {
      const pkg = (await packedPackages()).find((packed) => packed.name === name);
      if (pkg === undefined) throw new Error(`${name} was not packed`);
      // Exits 1 when it finds a problem; the JSON report is printed either way.
      const { stdout, stderr } = await runAnyExit(
        ATTW,
        [pkg.tarball, '--format', 'json', '--no-definitely-typed'],
        {
          cwd: ROOT,
        },
      );
      if (!stdout.trimStart().startsWith('{'))
        throw new Error(`attw printed no report:\n${stdout}\n${stderr}`);
      const report = JSON.parse(stdout) as AttwReport;
      expect(Object.keys(report.analysis.entrypoints)).to.include('.');
      const problems = Array.isArray(report.problems)
        ? report.problems
        : Object.values(report.problems).flat();
      expect(problems, `attw ${pkg.tarball}`).to.deep.equal([]);
    });
  }
});
