import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { renderTemplate, TemplateMismatchError } from '../bench/src/report/template.js';

const REPORT = fileURLToPath(new URL('../bench/src/report/', import.meta.url));

/** Values for every placeholder of templates/scenario.md. */
const SCENARIO = {
  processes: 4,
  clientsPerProcess: 4,
  sharing: '',
  keys: 'all on one key',
  holdMs: 5,
  rounds: 3,
  masters: '',
  fair: ' Fair bound: 16 × 5 ms = 80 ms.',
  target: 'none set',
};

describe('bench: report templates', function () {
  it('fills every placeholder and drops the final newline of the file', function () {
    expect(renderTemplate('scenario', SCENARIO)).to.equal(
      '4 process(es) × 4 client(s), all on one key, hold 5 ms, 3 round(s). Fair bound: 16 × 5 ms = 80 ms. Target: none set.',
    );
  });

  it('throws for a placeholder without a value, naming template and placeholder', function () {
    const { target: _target, ...missing } = SCENARIO;
    expect(() => renderTemplate('scenario', missing))
      .to.throw(TemplateMismatchError, 'templates/scenario.md: no value for {{target}}')
      .with.property('code', 'ERR_BENCH_TEMPLATE');
  });

  it('throws for a value that no placeholder uses', function () {
    expect(() => renderTemplate('scenario', { ...SCENARIO, extra: 1, other: '' })).to.throw(
      TemplateMismatchError,
      'templates/scenario.md: no placeholder for {{extra}}, {{other}}',
    );
  });

  it('has no template file that the report code does not render', function () {
    const code = readdirSync(REPORT)
      .filter((file) => file.endsWith('.ts'))
      .map((file) => readFileSync(`${REPORT}${file}`, 'utf8'))
      .join('\n');
    const templates = readdirSync(`${REPORT}templates`).map((file) => file.replace(/\.md$/, ''));
    expect(templates).to.have.length.above(0);
    for (const name of templates) expect(code, name).to.include(`renderTemplate('${name}'`);
  });
});
