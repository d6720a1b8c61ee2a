import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, it } from 'vitest';
import { ERROR_CODES, SERVICE_API_STATUSES } from '../src/client/error-codes.js';

it('README lists exactly the error codes there are, each with its status and meaning', () => {
  const readme = readFileSync(resolve(import.meta.dirname, '../README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Errors'), readme.indexOf('\n## ', readme.indexOf('## Errors') + 1));
  const rows = [...section.matchAll(/^\| `(\w+)` \| (\d{3}) \| (.+) \|$/gm)].map(([, code, status, meaning]) => [code, Number(status), meaning]);
  expect(rows).toEqual(Object.entries(ERROR_CODES).map(([code, { status, meaning }]) => [code, status, meaning]));
});

it("README's Errors section names each status the service API gives a code instead of its own", () => {
  const readme = readFileSync(resolve(import.meta.dirname, '../README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Errors'), readme.indexOf('\n## ', readme.indexOf('## Errors') + 1));
  const said = [...section.matchAll(/`(\w+)` with (\d{3})/g)].map(([, code, status]) => [code, Number(status)]);
  expect(said).toEqual(Object.entries(SERVICE_API_STATUSES));
});
