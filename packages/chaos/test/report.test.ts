import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect } from 'chai';
import { chromium, type Browser } from 'playwright-core';
import { ALL_FAULTS, brokenLocks, renderReport, runChaos, type ChaosResult } from '@deadbolt/chaos';

/** Debian's `chromium` package. */
const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

interface Drawn {
  readonly timelines: number;
  readonly beliefs: number;
  readonly leases: number;
  readonly faults: number;
  readonly writes: number;
  readonly violations: number;
  readonly replay: string;
  readonly width: number;
  readonly errors: readonly string[];
  readonly requests: readonly string[];
}

describe('HTML report', function () {
  this.timeout(120_000);
  let browser: Browser;
  let dir = '';
  let failing: ChaosResult;

  before(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: sudo apt-get install -y chromium`);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    dir = await mkdtemp(join(tmpdir(), 'deadbolt-chaos-report-'));
    failing = await runChaos({
      lock: brokenLocks.releaseWithoutOwnerCheck,
      runs: 300,
      seed: 42,
      faults: ALL_FAULTS,
    });
  });
  after(async () => {
    await browser?.close();
    if (dir !== '') await rm(dir, { recursive: true, force: true });
  });

  /** Opens the report from a file:// URL (no server) and counts what it drew. */
  async function draw(html: string, name: string): Promise<Drawn> {
    const file = join(dir, name);
    await writeFile(file, html);
    const page = await browser.newPage();
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('request', (r) => {
      if (!r.url().startsWith('file:')) requests.push(r.url());
    });
    await page.goto(pathToFileURL(file).href);
    const count = (selector: string) => page.locator(selector).count();
    const drawn: Drawn = {
      timelines: await count('svg.timeline'),
      beliefs: await count('svg.timeline rect.belief'),
      leases: await count('svg.timeline rect.lease'),
      faults: await count('svg.timeline rect.fault'),
      writes: await count('svg.timeline circle.write'),
      violations: await count('svg.timeline g.violation'),
      replay: (await page.locator('#replay').count()) > 0 ? await page.locator('#replay').innerText() : '',
      width: (await page.locator('svg.timeline').first().boundingBox())?.width ?? 0,
      errors,
      requests,
    };
    await page.close();
    return drawn;
  }

  it('draws the failing schedule: beliefs, leases, violations marked, and the replay command', async () => {
    expect(failing.verdict).to.equal('fail');
    const ce = failing.counterexample!;
    const drawn = await draw(
      renderReport(failing, { replayCommand: 'deadbolt-chaos --seed 1' }),
      'fail.html',
    );
    expect(drawn.errors).to.deep.equal([]);
    expect(drawn.requests, 'self-contained').to.deep.equal([]);
    expect(drawn.timelines).to.equal(1);
    expect(drawn.width).to.be.greaterThan(300);
    expect(drawn.beliefs, ce.history).to.be.greaterThan(0);
    expect(drawn.leases, ce.history).to.be.greaterThan(0);
    expect(drawn.violations).to.equal(failing.violations.length).and.greaterThan(0);
    expect(drawn.replay).to.equal('deadbolt-chaos --seed 1');
  });

  it('draws a passing run with writes, fences and faults', async () => {
    const result = await runChaos({ runs: 40, seed: 5 });
    expect(result.verdict, result.summary).to.equal('pass');
    const drawn = await draw(renderReport(result), 'pass.html');
    expect(drawn.errors).to.deep.equal([]);
    expect(drawn.beliefs).to.be.greaterThan(0);
    expect(drawn.writes).to.be.greaterThan(0);
    expect(drawn.faults).to.be.greaterThan(0);
    expect(drawn.violations).to.equal(0);
  });
});
