import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, it } from 'vitest';
import { PROVIDER_PRESETS } from '../src/client/providers/index.js';

const readme = readFileSync(resolve(import.meta.dirname, '../README.md'), 'utf8');
const NUMBERS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen', 'twenty'];

it("README's Providers table has a row for each preset, and no other", () => {
  const section = readme.slice(readme.indexOf('## Providers'), readme.indexOf('\n## ', readme.indexOf('## Providers') + 1));
  const rows = [...section.matchAll(/^\| `(\w+)` \|/gm)].map(([, name]) => name);
  expect(rows.sort()).toEqual(Object.keys(PROVIDER_PRESETS).sort());
});

it('README counts the presets right where it first names them', () => {
  const said = /For GitHub, Google, Microsoft and (\w+) more, a preset/.exec(readme)?.[1];
  expect(said).toBe(NUMBERS[Object.keys(PROVIDER_PRESETS).length - 3]);
});
