import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeClusterPort, freePort } from './freePort.js';
import { AddressInUseError, launchRedis, type LaunchOptions, type RedisProcess } from './RedisProcess.js';
import type { RedisServerOptions } from './RedisServerOptions.js';
import { redisServerBinary } from './redisServerBinary.js';
import { ServerClock } from './ServerClock.js';
import { clockShimLibrary } from './clockShim.js';
import { trackDir, untrackDir } from './registry.js';

/** The only address servers bind. */
export const HOST = '127.0.0.1';
/** How many free ports are tried when the port was not given explicitly. */
const START_ATTEMPTS = 5;

/** Removes a server's tmp dir and forgets it in the exit registry. */
export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  untrackDir(dir);
}

/** A started process and how to start it again (same port, dir and arguments). */
export interface LaunchedServer {
  launch: LaunchOptions;
  process: RedisProcess;
  /** The server's clock, when started with `clock: true`. */
  clock: ServerClock | undefined;
}

/**
 * Resolves the binary, creates a fresh tmp dir, and launches redis-server. When the port was not given
 * and it turned out to be taken, retries with another free port (up to 5 attempts). Removes the tmp dir
 * again on failure.
 */
export async function launchServer(options: RedisServerOptions): Promise<LaunchedServer> {
  const binary = redisServerBinary(options.binary);
  const shim = options.clock === true ? await clockShimLibrary() : undefined;
  const cluster = options.cluster ?? false;
  const dir = await mkdtemp(join(tmpdir(), 'deadbolt-redis-'));
  trackDir(dir);
  const clusterArgs = ['--cluster-enabled', 'yes', '--cluster-config-file', join(dir, 'nodes.conf')];
  const args = [
    ...(cluster ? [...clusterArgs, '--cluster-node-timeout', '2000'] : []),
    ...(options.args ?? []),
  ];
  const startTimeoutMs = options.startTimeoutMs ?? 10_000;
  try {
    const clock = shim === undefined ? undefined : ServerClock.create(dir);
    const env = shim !== undefined && clock !== undefined ? clockEnvironment(shim, clock) : undefined;
    for (let attempt = 1; ; attempt++) {
      const port = options.port ?? (cluster ? await freeClusterPort() : await freePort());
      const launch: LaunchOptions = { binary, host: HOST, port, dir, args, startTimeoutMs, env };
      try {
        return { launch, process: await launchRedis(launch), clock };
      } catch (error) {
        const retry = error instanceof AddressInUseError && options.port === undefined;
        if (!retry || attempt >= START_ATTEMPTS) throw error;
      }
    }
  } catch (error) {
    await removeDir(dir);
    throw error;
  }
}

/** The environment that makes redis-server read its wall clock through the shim at `library` from `clock`. */
function clockEnvironment(library: string, clock: ServerClock): Record<string, string> {
  const preload = process.env.LD_PRELOAD;
  return {
    LD_PRELOAD: preload === undefined || preload === '' ? library : `${library}:${preload}`,
    DEADBOLT_CLOCK_FILE: clock.file,
  };
}
