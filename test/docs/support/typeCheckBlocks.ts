// Type-checks TypeScript code blocks of the docs in one program: each block becomes an ES module (`.mts`, so
// top-level await works) under the repository root, so that `@deadbolt/*` and the frameworks resolve as in an app
// of this workspace (packages from their sources, by the `source` condition). A block's preludes are put before
// its code. The compiler options are the workspace's strict ones (tsconfig.base.json), except that unused names
// are allowed (a snippet shows a value without always using it) and noUncheckedIndexedAccess is off: with it, a
// route parameter read from Express's or @koa/router's params dictionary is `string | undefined`, which is how
// those frameworks type params, not something an example of ours can change.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { ROOT } from './docFiles.js';
import type { CodeBlock } from './markdownBlocks.js';

/** A compiler error in a code block, located in the Markdown file. */
export interface BlockDiagnostic {
  readonly block: CodeBlock;
  /** `file:line` in the Markdown file (or the prelude's, for an error inside a prelude). */
  readonly where: string;
  /** TypeScript's error code, e.g. 2345. */
  readonly code: number;
  readonly message: string;
  /** The source line the error points at, trimmed. */
  readonly text: string;
}

/** Module name → declaration files, e.g. `{ express: ['…/@types/express4/index.d.ts'] }`. */
export type ModulePaths = Readonly<Record<string, readonly string[]>>;

/** The folder the preludes live in; a prelude `name` is the file `<name>.ts` there. */
export const PRELUDES = join(ROOT, 'test', 'docs', 'preludes');

function compilerOptions(paths: ModulePaths | undefined): ts.CompilerOptions {
  const file = join(ROOT, 'tsconfig.base.json');
  const config = ts.readConfigFile(file, (name) => ts.sys.readFile(name));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT, undefined, file);
  return {
    ...parsed.options,
    noEmit: true,
    declaration: false,
    sourceMap: false,
    noUnusedLocals: false,
    noUnusedParameters: false,
    noUncheckedIndexedAccess: false,
    types: ['node', 'mocha'],
    ...(paths === undefined
      ? {}
      : { paths: Object.fromEntries(Object.entries(paths).map(([k, v]) => [k, [...v]])) }),
  };
}

/** Type-checks `blocks` (TypeScript ones) together; resolves each `paths` module to the given files. */
export function typeCheckBlocks(blocks: readonly CodeBlock[], paths?: ModulePaths): BlockDiagnostic[] {
  const virtual = new Map<string, { block: CodeBlock; preludeLines: number; prelude: string }>();
  const contents = new Map<string, string>();
  for (const block of blocks) {
    const prelude = block.preludes
      .map((name) => readFileSync(join(PRELUDES, `${name}.ts`), 'utf8'))
      .join('\n');
    const name = join(
      ROOT,
      'test',
      'docs',
      '.blocks',
      `${block.file.replace(/[^\w]/g, '_')}_${block.line}.mts`,
    );
    const text = `${prelude}\n${block.code}\nexport {};\n`;
    virtual.set(name, { block, prelude, preludeLines: prelude.split('\n').length });
    contents.set(name, text);
  }
  const options = compilerOptions(paths);
  const host = ts.createCompilerHost(options);
  const fileExists = host.fileExists.bind(host);
  const readFile = host.readFile.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.fileExists = (file) => contents.has(file) || fileExists(file);
  host.readFile = (file) => contents.get(file) ?? readFile(file);
  host.getSourceFile = (file, language, onError, create) => {
    const text = contents.get(file);
    return text === undefined
      ? getSourceFile(file, language, onError, create)
      : ts.createSourceFile(file, text, language, true);
  };
  const program = ts.createProgram([...contents.keys()], options, host);
  const found: BlockDiagnostic[] = [];
  for (const [name, { block, preludeLines }] of virtual) {
    const source = program.getSourceFile(name);
    if (source === undefined) throw new Error(`${block.where}: not in the program`);
    const diagnostics = [
      ...program.getSyntacticDiagnostics(source),
      ...program.getSemanticDiagnostics(source),
    ];
    for (const diagnostic of diagnostics) {
      const { line } = source.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
      const inPrelude = line < preludeLines;
      found.push({
        block,
        where: inPrelude
          ? `prelude ${block.preludes.join(', ')} line ${line + 1}`
          : `${block.file}:${block.line + line - preludeLines + 1}`,
        code: diagnostic.code,
        message: ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'),
        text: (source.text.split('\n')[line] ?? '').trim(),
      });
    }
  }
  return found;
}
