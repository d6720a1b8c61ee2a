import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, it } from 'vitest';
import { PROVIDER_PRESETS } from '../src/client/providers/index.js';

const readme = readFileSync(resolve(import.meta.dirname, '../README.md'), 'utf8');
const UNITS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
/** A number below 1000 in words, as the README writes it (twenty-six, one hundred and two). */
const spelled = (n: number): string => {
  if (n >= 100) return `${UNITS[Math.floor(n / 100)]} hundred${n % 100 === 0 ? '' : ` and ${spelled(n % 100)}`}`;
  return n < 20 ? UNITS[n]! : `${TENS[Math.floor(n / 10)]}${n % 10 === 0 ? '' : `-${UNITS[n % 10]}`}`;
};

it("README's Providers table has a row for each preset, and no other", () => {
  const section = readme.slice(readme.indexOf('## Providers'), readme.indexOf('\n## ', readme.indexOf('## Providers') + 1));
  const rows = [...section.matchAll(/^\| `(\w+)` \|/gm)].map(([, name]) => name);
  expect(rows.sort()).toEqual(Object.keys(PROVIDER_PRESETS).sort());
});

it("README's Providers table is one table: its header, then the separator row, then the rows", () => {
  const header = readme.indexOf('| preset | also needs | scopes asked | refresh tokens | revocation on disconnect |\n');
  const table = readme.slice(header, readme.indexOf('\n\n', header)).split('\n');
  expect(table[1]).toBe('|---|---|---|---|---|');
  expect(table.slice(2).every((row) => /^\| `\w+` \|/.test(row))).toBe(true);
  expect(table.length - 2).toBe(Object.keys(PROVIDER_PRESETS).length);
});

it('README counts the presets right where it first names them', () => {
  const said = /For GitHub, Google, Microsoft and ([\w -]+?) more, a preset/.exec(readme)?.[1];
  expect(said).toBe(spelled(Object.keys(PROVIDER_PRESETS).length - 3));
});

it("README's endpoint variables row names the presets that revoke through their API, and those whose profile moves with <NAME>_API_BASE_URL", () => {
  const values = { baseUrl: 'https://host.example.com', tenant: 'common', domain: 'acme.okta.com', realm: 'staff', audience: 'https://api.example.com', teamId: 'ABCDE12345', userPoolId: 'eu-west-1_AbCdEf123' };
  const revokeThroughApi: string[] = [];
  const profileOnApi: string[] = [];
  for (const [name, preset] of Object.entries(PROVIDER_PRESETS)) {
    const settings = preset.settings(values);
    if (settings.hooks?.revoke && !(settings.metadataOverrides?.revocationEndpoint ?? settings.endpoints?.revocationEndpoint)) revokeThroughApi.push(name);
    const api = settings.apiBaseUrl?.replace(/\/+$/, '');
    if (api && settings.endpoints?.userinfoEndpoint?.startsWith(`${api}/`)) profileOnApi.push(name);
  }
  const names = (list: string) => [...list.matchAll(/`(\w+)`/g)].map(([, name]) => name);
  const revoking = /\(the ((?:`\w+`(?:, | and ))+`\w+`) presets revoke through their API/.exec(readme)?.[1];
  const moving = /reads the profile from its own API, ((?:`\w+`(?:, | and ))+`\w+`), that endpoint moves/.exec(readme)?.[1];
  expect(names(revoking ?? '')).toEqual(revokeThroughApi.sort());
  expect(names(moving ?? '')).toEqual(profileOnApi.sort());
});
