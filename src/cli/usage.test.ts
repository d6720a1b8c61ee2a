import { expect, it } from 'vitest';
import { BACKUP_USAGE } from './backup.command.js';
import { CREATESUPERUSER_USAGE } from './createsuperuser.command.js';
import { KEYS_USAGE } from './keys.command.js';
import { USAGE } from './main.js';
import { SERVICES_USAGE } from './services.command.js';
import { TOKENS_USAGE } from './tokens.command.js';

const optionsOf = (usage: string) => new Set(usage.match(/--[a-z][a-z-]*/g) ?? []);

it("tokenkeeper help names every option that each command's own usage names", () => {
  const general = optionsOf(USAGE.slice(0, USAGE.indexOf('Configuration comes from')));
  for (const usage of [BACKUP_USAGE, CREATESUPERUSER_USAGE, KEYS_USAGE, SERVICES_USAGE, TOKENS_USAGE]) {
    const command = /^Usage: tokenkeeper (\S+)/.exec(usage)![1];
    expect([...optionsOf(usage)].filter((option) => !general.has(option)), command).toEqual([]);
  }
});
