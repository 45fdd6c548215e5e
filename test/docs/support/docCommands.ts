// Every shell command the READMEs and guides show, and how `pnpm test` keeps it true: run on a fresh clone by
// test/docs/freshClone.test.ts (RUN_ON_FRESH_CLONE), or shown working by another test or script
// (TESTED_ELSEWHERE). test/docs/codeBlocks.test.ts fails when a documented command is in neither list, when an
// entry is no longer documented, or when the file named for a command elsewhere no longer mentions it.

/** What a command run on the fresh clone must do. */
export type Expectation =
  /** Runs to completion with `exit` and prints every pattern (stdout and stderr together). */
  | { readonly kind: 'exits'; readonly exit: number; readonly prints: readonly RegExp[] }
  /**
   * An example bank server: prints `… on http://localhost:PORT with WHERE; alice has 100`, then answers a
   * withdrawal of 10 from alice with 200 and the new balance 90. Run with PORT=0 (any free port).
   */
  | { readonly kind: 'serves-bank'; readonly prints: readonly RegExp[] };

/** A documented command that the fresh-clone test runs. */
export interface RunCommand {
  /** Exactly as documented (without its trailing `# comment`). */
  readonly command: string;
  /**
   * What the test runs instead, and why, when the documented text cannot run as is. A `REDIS_URL=…` prefix needs
   * no override: the test points it at a redis-server of its own and checks that this server did the work.
   */
  readonly run?: { readonly command: string; readonly why: string };
  readonly expect: Expectation;
}

/** A documented command that another test or script runs, or exercises the same way. */
export interface ElsewhereCommand {
  readonly command: string;
  /** The file (relative to the root) whose run shows the command works. */
  readonly file: string;
  /** Text that file must contain: the part of it that runs the command. */
  readonly mentions: string;
  /** Why the command is not run as documented by the fresh-clone test. */
  readonly why: string;
}

const EMBEDDED = /the embedded in-memory Redis \(ioredis-mock/;
const DEMO_PASSES = [
  /^without the middleware: all 50 answered 200 OK$/m,
  /^with lockRequests\(.*\): all 50 answered 200 OK$/m,
  /\(fences are large because a key's fence counter starts at the Redis server's clock in µs\)/,
  /fences strictly increase with the balances: yes/,
  /No lost update with the lock\./,
];
const CHAOS_FROM_CLONE =
  'pnpm exec puts the clone’s node_modules/.bin on PATH, as npx or an npm script does in an app';

export const RUN_ON_FRESH_CLONE: readonly RunCommand[] = [
  {
    command: 'pnpm install && pnpm demo',
    run: {
      command: 'pnpm install --frozen-lockfile --offline && pnpm demo',
      why: 'the test installs from the lockfile and the warm store, never from the network',
    },
    expect: { kind: 'exits', exit: 0, prints: [/^Redis: the embedded in-memory Redis/m, ...DEMO_PASSES] },
  },
  {
    command: 'pnpm demo',
    expect: { kind: 'exits', exit: 0, prints: [/^Redis: the embedded in-memory Redis/m, ...DEMO_PASSES] },
  },
  {
    command: 'REDIS_URL=redis://localhost:6379 pnpm demo',
    expect: { kind: 'exits', exit: 0, prints: [/^Redis: redis:\/\/127\.0\.0\.1:\d+$/m, ...DEMO_PASSES] },
  },
  ...(['express', 'koa', 'fastify', 'hono', 'nestjs'] as const).flatMap((app): RunCommand[] => {
    const name = { express: 'Express', koa: 'Koa', fastify: 'Fastify', hono: 'Hono', nestjs: 'NestJS' }[app];
    const main = `node --conditions=source --import tsx examples/${app}/main.ts`;
    return [
      {
        command: main,
        expect: { kind: 'serves-bank', prints: [new RegExp(`^${name} bank on`, 'm'), EMBEDDED] },
      },
      {
        command: `REDIS_URL=redis://localhost:6379 ${main}`,
        expect: {
          kind: 'serves-bank',
          prints: [new RegExp(`^${name} bank on .* with redis://127\\.0\\.0\\.1:\\d+;`, 'm')],
        },
      },
      { command: `LOCKED=false ${main}`, expect: { kind: 'serves-bank', prints: [EMBEDDED] } },
    ];
  }),
  {
    command: 'pnpm exec deadbolt-chaos --help',
    expect: { kind: 'exits', exit: 0, prints: [/^Usage: deadbolt-chaos/m, /Exit codes: 0 clean/] },
  },
  {
    command: 'pnpm exec deadbolt-chaos --lock naive --seed 42',
    expect: {
      kind: 'exits',
      exit: 1,
      prints: [/^FAIL naive lock/m, /^Replay: deadbolt-chaos .*--seed=?\s?42/m],
    },
  },
  {
    command: 'deadbolt-chaos --lock naive --seed=-200346941 --json',
    run: { command: 'pnpm exec deadbolt-chaos --lock naive --seed=-200346941 --json', why: CHAOS_FROM_CLONE },
    expect: { kind: 'exits', exit: 1, prints: [/"verdict": "fail"/, /^FAIL naive lock/m] },
  },
  {
    command: 'deadbolt-chaos --runs 200 --report chaos-report.html',
    run: { command: 'pnpm exec deadbolt-chaos --runs 200 --report chaos-report.html', why: CHAOS_FROM_CLONE },
    expect: {
      kind: 'exits',
      exit: 0,
      prints: [/^PASS deadbolt: 200 schedules on virtual time/m, /^Report: chaos-report\.html$/m],
    },
  },
  {
    command: 'pnpm chaos',
    expect: {
      kind: 'exits',
      exit: 0,
      prints: [/^PASS deadbolt: 100 schedules/m, /^Report: chaos-report\.html$/m],
    },
  },
  {
    command: 'node --conditions=source --import=tsx examples/third-party-lock/run.ts 300',
    expect: {
      kind: 'exits',
      exit: 0,
      prints: [/^## within bounds, every fault$/m, /^unhandled rejections: \d+/m],
    },
  },
  {
    command: 'node --import tsx --conditions=source packages/chaos/scripts/throughput.ts 2000 within',
    run: {
      command: 'node --import tsx --conditions=source packages/chaos/scripts/throughput.ts 100 within',
      why: 'the same script on 100 schedules: the documented 2,000 are a measurement of over a minute',
    },
    expect: {
      kind: 'exits',
      exit: 0,
      prints: [/^PASS deadbolt: 100 schedules/m, /^schedules\/minute: \d+/m],
    },
  },
  {
    command: 'node --conditions=source --import=tsx examples/third-party-lock/run.ts 4 --redis',
    run: {
      command: 'node --conditions=source --import=tsx examples/third-party-lock/run.ts 1 --redis',
      why: 'one real-Redis schedule per setting instead of four (each takes a few seconds on three masters)',
    },
    expect: {
      kind: 'exits',
      exit: 0,
      prints: [/^PASS|^FAIL/m, /on redis quorum3/, /^unhandled rejections: \d+/m],
    },
  },
];

const RELEASE = 'scripts/release/npmConsumer.ts';
const PACKED =
  'installs the packed tarballs with npm in a clean app outside the workspace (the registry has no copy yet)';

export const TESTED_ELSEWHERE: readonly ElsewhereCommand[] = [
  {
    command: 'pnpm test',
    file: '.ci/run',
    mentions: 'pnpm test',
    why: 'it is the command that runs this test',
  },
  {
    command: 'pnpm run docs',
    file: 'package.json',
    mentions: 'pnpm run docs',
    why: '`pnpm test` runs it before the tests',
  },
  {
    command: 'pnpm bench',
    file: 'test/bench.test.ts',
    mentions: "'--quick'",
    why: 'a full run takes about 20 minutes; the test runs the same benchmark with --quick',
  },
  {
    command: 'pnpm release --dry-run',
    file: 'test/release/release.test.ts',
    mentions: "'--dry-run'",
    why: 'the test runs scripts/release.ts --dry-run itself, after the build `pnpm test` made (pnpm release builds first)',
  },
  { command: 'pnpm bench --quick', file: 'test/bench.test.ts', mentions: "'--quick'", why: 'about a minute' },
  {
    command: 'pnpm bench --pipelining',
    file: 'test/benchPipelining.test.ts',
    mentions: "'--pipelining', '--quick'",
    why: 'a full run takes about 90 s; the test runs the same scenario with --quick and checks its counts',
  },
  ...['pnpm mutation', 'pnpm mutation acquire-owner-check fence-equal-allowed'].map((command) => ({
    command,
    file: 'packages/chaos/test/mutation.test.ts',
    mentions: "id: 'fence-equal-allowed'",
    why: 'every mutant against the whole battery takes about 25 minutes; the test runs a fixed sample of the mutants (these two among them) through the same runMutant',
  })),
  {
    command: 'pnpm mutation --only id,id --runs run,run',
    file: 'packages/chaos/test/mutation.test.ts',
    mentions: 'runMutant(mutant, [run]',
    why: 'each case of the sample runs one mutant on one chosen battery run, as --only with --runs does',
  },
  {
    command: 'pnpm mutation --report',
    file: 'packages/chaos/test/mutation.test.ts',
    mentions: 'renderReport(',
    why: 'it rewrites docs/mutation.md; the test renders the report from docs/mutation.json and finds its score in the committed file',
  },
  {
    command:
      'deadbolt-chaos --backend redis --topology cluster --runs 3 --ttl 500 --operations 25 --clients 3',
    file: 'packages/chaos/test/real.test.ts',
    mentions: "'cluster'",
    why: 'real-backend schedules on a Cluster take 10–20 s; the test runs that topology through runChaos',
  },
  {
    command: 'deadbolt-chaos --backend redis --processes child --runs 3 --clients 2',
    file: 'packages/chaos/test/real-child.test.ts',
    mentions: "processes: 'child'",
    why: 'child-process schedules take about 30 s; the test runs them through runChaos',
  },
  {
    command: 'CHAOS_LONG=1 npx mocha packages/chaos/test/real.test.ts',
    file: 'packages/chaos/test/real.test.ts',
    mentions: "process.env['CHAOS_LONG']",
    why: 'the long run takes 15–20 minutes; the suite runs the same file at a tenth of the schedules',
  },
  ...['100', '2 --redis'].map((args) => ({
    command: `node --conditions=source --import=tsx examples/third-party-lock/runRedisSemaphore.ts ${args}`,
    file: 'test/chaos-redis-semaphore.test.ts',
    mentions: 'redisSemaphoreAdapter(kind)',
    why: "redis-semaphore's Mutex and RedlockMutex through the harness: the test runs the same adapter through runChaos, on virtual time and on real Redis",
  })),
  {
    command: 'deadbolt-chaos --backend redis --topology single,quorum3 --runs 10 --junit chaos.xml',
    file: 'packages/chaos/test/ci.test.ts',
    mentions: "'--junit'",
    why: 'real-backend runs take minutes; the test runs --junit with two locks (one test case each) on virtual time and validates the XML against the JUnit schema',
  },
  {
    command: 'deadbolt-chaos --backend redis --client node-redis --topology quorum3 --runs 3',
    file: 'packages/chaos/test/clientLibraries.test.ts',
    mentions: "'node-redis', 'quorum3'",
    why: 'the harness on node-redis: the test runs the same through runChaos, on each topology',
  },
  ...[
    'npm install @deadbolt/core ioredis',
    'npm install @deadbolt/core redis',
    'npm install @deadbolt/http @deadbolt/core ioredis',
    'npm install @deadbolt/express @deadbolt/core ioredis',
    'npm install @deadbolt/koa @deadbolt/core ioredis',
    'npm install @deadbolt/fastify @deadbolt/core ioredis',
    'npm install @deadbolt/hono @deadbolt/core hono @hono/node-server ioredis',
    'npm install --save-dev @deadbolt/chaos',
    'npm install --save-dev @deadbolt/testing ioredis',
    'pnpm add @deadbolt/express @deadbolt/core ioredis',
    'pnpm add @deadbolt/koa @deadbolt/core ioredis',
    'pnpm add @deadbolt/hono @deadbolt/core hono @hono/node-server ioredis',
  ].map((command) => ({ command, file: RELEASE, mentions: "'install'", why: PACKED })),
];
