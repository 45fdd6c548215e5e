import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ClockShimUnavailableError } from './ClockShimUnavailableError.js';
import { CLOCK_SHIM_SOURCE } from './clockShimSource.js';

const run = promisify(execFile);

/** The library built from this source, shared by every process of the machine (its name holds the hash). */
const LIBRARY = join(
  tmpdir(),
  `deadbolt-clock-shim-${createHash('sha256').update(CLOCK_SHIM_SOURCE).digest('hex').slice(0, 16)}.so`,
);

let building: Promise<string> | undefined;

/**
 * The path of the clock shim library (see {@link CLOCK_SHIM_SOURCE}), compiled with `$CC` (default `cc`) on first
 * use into the system's tmp dir and reused from there afterwards, also by other processes. Concurrent builds are
 * safe: each writes its own files and renames the result into place.
 *
 * @throws {@link ClockShimUnavailableError} when not on Linux, or when the compiler is missing or fails.
 * @example
 * ```ts
 * const env = { ...process.env, LD_PRELOAD: await clockShimLibrary() };
 * ```
 */
export function clockShimLibrary(): Promise<string> {
  building ??= build().catch((error: unknown) => {
    building = undefined;
    throw error;
  });
  return building;
}

async function build(): Promise<string> {
  if (process.platform !== 'linux')
    throw new ClockShimUnavailableError(`it works only on Linux (LD_PRELOAD), not on ${process.platform}.`);
  if (existsSync(LIBRARY)) return LIBRARY;
  const compiler = process.env.CC !== undefined && process.env.CC !== '' ? process.env.CC : 'cc';
  const stem = `${LIBRARY}.${String(process.pid)}.${Math.random().toString(36).slice(2)}`;
  try {
    await writeFile(`${stem}.c`, CLOCK_SHIM_SOURCE);
    await run(compiler, ['-shared', '-fPIC', '-O2', '-o', `${stem}.so`, `${stem}.c`]).catch(
      (error: unknown) => {
        const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
        throw new ClockShimUnavailableError(
          missing
            ? `no C compiler: ${compiler} was not found (set CC to use another).`
            : `${compiler} failed to compile it: ${(error as Error).message}`,
          error,
        );
      },
    );
    await rename(`${stem}.so`, LIBRARY);
    return LIBRARY;
  } finally {
    await rm(`${stem}.c`, { force: true });
    await rm(`${stem}.so`, { force: true });
  }
}
