import { readFileSync } from 'node:fs';

/** The values a template's `{{name}}` placeholders take. */
export type TemplateValues = Readonly<Record<string, string | number>>;

/**
 * A template and the values it was given do not match: a placeholder has no value, or a value has no
 * placeholder. Either means the template and the code that fills it drifted apart.
 *
 * @example
 * ```ts
 * throw new TemplateMismatchError('soak', 'no value for {{errors}}')
 * ```
 */
export class TemplateMismatchError extends Error {
  readonly code = 'ERR_BENCH_TEMPLATE';

  constructor(template: string, problem: string) {
    super(`templates/${template}.md: ${problem}`);
    this.name = 'TemplateMismatchError';
  }
}

const PLACEHOLDER = /\{\{(\w+)\}\}/g;
const loaded = new Map<string, string>();

/** The text of `templates/<name>.md`, read once, without the file's final newline. */
function load(name: string): string {
  let text = loaded.get(name);
  if (text === undefined) {
    text = readFileSync(new URL(`templates/${name}.md`, import.meta.url), 'utf8').replace(/\n$/, '');
    loaded.set(name, text);
  }
  return text;
}

/**
 * The report prose of `bench/src/report/templates/<name>.md` with every `{{placeholder}}` replaced by its
 * value (numbers as `String(value)` gives them). The file's final newline is dropped.
 * @throws {@link TemplateMismatchError} for a placeholder without a value, or a value no placeholder uses.
 *
 * @example
 * ```ts
 * renderTemplate('middleware', { frameworks: 'Express, Koa', connections: 64, … })
 * ```
 */
export function renderTemplate(name: string, values: TemplateValues): string {
  const unused = new Set(Object.keys(values));
  const text = load(name).replace(PLACEHOLDER, (_, key: string) => {
    if (!Object.hasOwn(values, key)) throw new TemplateMismatchError(name, `no value for {{${key}}}`);
    unused.delete(key);
    return String(values[key]);
  });
  if (unused.size > 0) {
    throw new TemplateMismatchError(
      name,
      `no placeholder for ${[...unused].map((key) => `{{${key}}}`).join(', ')}`,
    );
  }
  return text;
}
