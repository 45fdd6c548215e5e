import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

// The mocha run uses `"exit": true`, which would hide a socket or timer that deadbolt leaves behind. This check
// runs a representative scenario in a plain Node child (no mocha, no --exit) and holds that the process ends by
// itself once the application closed what it opened, with no active handle left.

const SCENARIO = fileURLToPath(new URL('./fixtures/lockerScenario.ts', import.meta.url));
const BOUND_MS = 60_000;

describe('leaks: a process that used deadbolt exits by itself', function () {
  this.timeout(BOUND_MS + 10_000);

  it('after contention, a hand-over on pub/sub, renewal, using() and close(): exit 0, nothing active', async () => {
    const run = await new Promise<{ code: number | null; signal: string | null; output: string }>(
      (resolve) => {
        const child = execFile(
          process.execPath,
          ['--conditions=source', '--import=tsx', SCENARIO],
          { timeout: BOUND_MS, killSignal: 'SIGKILL' },
          (_error, stdout, stderr) =>
            resolve({ code: child.exitCode, signal: child.signalCode, output: stdout + stderr }),
        );
      },
    );
    expect(run.signal, `killed after ${BOUND_MS} ms: something kept it alive\n${run.output}`).to.equal(null);
    expect(run.code, run.output).to.equal(0);
    expect(run.output).to.include('active: []');
  });
});
