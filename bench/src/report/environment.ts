import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join } from 'node:path';
import type { RedisServer } from '@deadbolt/testing';

/** Where and with what a run was made. */
export interface Environment {
  readonly date: string;
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly os: string;
  readonly node: string;
  readonly redis: string;
  /** Package name → version. */
  readonly packages: Readonly<Record<string, string>>;
  /** Short commit of the checkout and whether it had local changes. */
  readonly git: string;
  /** 1-minute load average when the run started: other work on the machine makes numbers noisy. */
  readonly loadAtStart: number;
}

/**
 * The values a section's template names where it says how the run was made: `{{command}}`, `{{date}}`,
 * `{{git}}`, `{{node}}` and `{{redis}}`.
 *
 * @example
 * ```ts
 * renderTemplate('held', { ...runValues(command, environment), ttlMs: 10_000, … })
 * ```
 */
export function runValues(command: string, env: Environment): Record<string, string> {
  return { command, date: env.date, git: env.git, node: env.node, redis: env.redis };
}

const require = createRequire(import.meta.url);
const PACKAGES = [
  '@deadbolt/core',
  '@deadbolt/express',
  '@deadbolt/koa',
  '@deadbolt/fastify',
  '@deadbolt/hono',
  'redlock',
  'redis-semaphore',
  'ioredis',
  'express',
  'koa',
  '@koa/router',
  'fastify',
  'hono',
  '@hono/node-server',
  'autocannon',
];

/** Collects the machine, runtime, Redis and package versions. */
export async function describeEnvironment(server: RedisServer): Promise<Environment> {
  const admin = server.client();
  try {
    const info = await admin.info('server');
    return {
      date: new Date().toISOString(),
      cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
      cores: os.availableParallelism(),
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      os: `${os.type()} ${os.release()} ${os.arch()}`,
      node: process.version,
      redis: /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown',
      packages: Object.fromEntries(PACKAGES.map((name) => [name, packageVersion(name)])),
      git: gitRevision(),
      loadAtStart: os.loadavg()[0] ?? Number.NaN,
    };
  } finally {
    admin.disconnect();
  }
}

/** The installed version of `name`: its package.json, found next to its entry point when `exports` hides it. */
function packageVersion(name: string): string {
  try {
    let dir = dirname(require.resolve(name));
    for (; dir !== dirname(dir); dir = dirname(dir)) {
      const file = join(dir, 'package.json');
      if (!existsSync(file)) continue;
      const manifest = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (manifest.name === name) return manifest.version ?? 'unknown';
    }
    return 'unknown';
  } catch {
    return 'unknown';
  }
}

function gitRevision(): string {
  try {
    const git = (...args: string[]): string => execFileSync('git', args, { encoding: 'utf8' }).trim();
    const dirty = git('status', '--porcelain').length > 0;
    return `${git('rev-parse', '--short', 'HEAD')}${dirty ? ' with uncommitted changes' : ''}`;
  } catch {
    return 'unknown';
  }
}
