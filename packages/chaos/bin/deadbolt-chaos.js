#!/usr/bin/env node
// The `deadbolt-chaos` command. An installed package runs its build (dist/cli.js). In a clone of the deadbolt
// repository there is no dist/ until `pnpm run build`, so there it runs the CLI from source (src/cli.ts) through
// tsx, with the `source` export condition that makes the workspace's packages load from their sources too.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const built = new URL('../dist/cli.js', import.meta.url);
const source = new URL('../src/cli.ts', import.meta.url);

if (existsSync(fileURLToPath(built))) {
  await import(built.href);
} else {
  let tsx;
  try {
    tsx = import.meta.resolve('tsx');
  } catch {
    process.stderr.write(
      `deadbolt-chaos: ${fileURLToPath(built)} is missing and tsx is not installed to run the sources; ` +
        'run `pnpm install` and `pnpm run build` in the repository\n',
    );
    process.exit(2);
  }
  const child = spawn(
    process.execPath,
    ['--conditions=source', `--import=${tsx}`, fileURLToPath(source), ...process.argv.slice(2)],
    { stdio: 'inherit' },
  );
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => {
    if (signal === null) process.exit(code ?? 1);
    process.kill(process.pid, signal); // end the way the CLI ended
  });
}
