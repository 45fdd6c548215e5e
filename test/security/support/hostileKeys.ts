// Lock keys an attacker could put into a request (path, query, header, body) to break out of a Lua script,
// out of the key namespace, or out of a Cluster hash tag.

/** Keys meant to be read as Lua code if they were ever pasted into a script's text. */
export const LUA_INJECTION_KEYS: readonly string[] = [
  `x') redis.call('SET', 'pwned', '1') --`,
  `x" .. redis.call("SET", "pwned", "1") .. "`,
  `]] redis.call('SET','pwned','1') --[[`,
  `x\n redis.call('SET','pwned','1')\n--`,
  `%s %d \\0 \0 ' " \` ; --`,
];

/** Keys meant to land on another lock's Redis keys or outside the prefix. */
export const NAMESPACE_ESCAPE_KEYS: readonly string[] = [
  'x',
  'x}',
  '{x}',
  'x}:fence',
  'x}:queue',
  'x}:wake',
  '}x{',
  '{}',
  'x:{y}',
  '*',
  '?',
  '[a-z]',
  '../x',
  'x y',
  'x\r\nDEL x',
  '%7Bx%7D',
  '%',
  'é',
  'e\u0301',
  '🔒',
  '\u0000',
];
