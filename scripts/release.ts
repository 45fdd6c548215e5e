// `pnpm release --dry-run`: everything a release does short of publishing (scripts/release/dryRun.ts); CI runs it
// through test/release/release.test.ts. `pnpm release`: the same checks on the versioned working tree, then
// `changeset publish`. The release flow: `pnpm changeset` (describe a change), `pnpm changeset version` (bump
// versions, write CHANGELOG.md files; review and commit), `pnpm release`.
import { spawnSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ROOT } from '../test/packaging/support/publicPackages.js';
import { dryRun } from './release/dryRun.js';
import { pendingChangesets } from './release/stage.js';

const USAGE = 'Usage: pnpm release [--dry-run]';

async function main(args: readonly string[]): Promise<number> {
  const unknown = args.filter((arg) => arg !== '--dry-run');
  if (unknown.length > 0) {
    process.stderr.write(`release: unknown argument ${unknown.join(' ')}\n${USAGE}\n`);
    return 2;
  }
  const dry = args.includes('--dry-run');
  const pending = await pendingChangesets();
  if (!dry && pending.length > 0) {
    process.stderr.write(
      `release: ${pending.length} changeset(s) not versioned yet (${pending.join(', ')}): run pnpm changeset version, ` +
        'review and commit the versions and CHANGELOG.md files, then pnpm release\n',
    );
    return 1;
  }
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const report = await dryRun(log, { version: dry });
  await rm(report.stage.dir, { recursive: true, force: true });
  const failed = report.smoke.filter((s) => s.result === 'fail').length;
  const problems = [...report.problems.values()].flat().length;
  log(
    `${report.ok ? 'ok' : 'NOT READY'}: ${report.tarballs.length} tarballs (${problems} problems), ` +
      `${report.smoke.length} smoke runs in clean npm apps (${failed} failed, ` +
      `${report.smoke.filter((s) => s.result === 'known').length} known failures)`,
  );
  if (!report.ok) return 1;
  if (dry) {
    log('dry run: nothing was published');
    return 0;
  }
  const publish = spawnSync(join(ROOT, 'node_modules', '.bin', 'changeset'), ['publish'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  return publish.status ?? 1;
}

process.exitCode = await main(process.argv.slice(2));
