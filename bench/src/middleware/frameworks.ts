/** The web frameworks the middleware scenario measures, and how the report names them. */
export const FRAMEWORKS = [
  { id: 'express', name: 'Express', package: 'express' },
  { id: 'koa', name: 'Koa', package: 'koa' },
  { id: 'fastify', name: 'Fastify', package: 'fastify' },
  { id: 'hono', name: 'Hono', package: 'hono' },
] as const;

/** The frameworks' names as the report's headings list them, e.g. `Express, Koa and Fastify`. */
export const FRAMEWORK_NAMES = FRAMEWORKS.map((framework) => framework.name)
  .join(', ')
  .replace(/, ([^,]+)$/, ' and $1');

/** One measured framework. */
export type Framework = (typeof FRAMEWORKS)[number];

/** The id of one measured framework. */
export type FrameworkId = Framework['id'];

/** The route both variants serve; `:id` is the lock key's source, a fresh value on every request. */
export const ROUTE = '/items/:id';

/** Path prefix of the route without the middleware, and with it: the same handler behind both. */
export const PREFIX = { plain: '/plain', floor: '/floor', locked: '/locked' } as const;

/** One variant of the route. */
export type Variant = keyof typeof PREFIX;

/**
 * The frameworks named by `ids` (`--framework`), in the report's order; all of them when `ids` is empty.
 * @throws on an id that names no framework.
 */
export function selectFrameworks(ids: readonly string[]): readonly Framework[] {
  const unknown = ids.filter((id) => !FRAMEWORKS.some((framework) => framework.id === id));
  if (unknown.length > 0) {
    throw new Error(
      `No framework matches ${unknown.join(', ')} (known: ${FRAMEWORKS.map((f) => f.id).join(', ')})`,
    );
  }
  return ids.length === 0 ? FRAMEWORKS : FRAMEWORKS.filter((framework) => ids.includes(framework.id));
}
