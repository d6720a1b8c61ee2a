// README's "Call it from a backend in Node" program as a reader copies it
// into a project with the package installed: it type-checks under strict
// (checkJs), so every name and option it uses is one tokenkeeper/service-client
// has. It is not run: it calls GitHub.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { linkDependencies } from './support/example-app.js';
import { ensureBuilt } from './support/server-processes.js';

const TSC = new URL('../node_modules/typescript/bin/tsc', import.meta.url).pathname;

function sectionProgram(): string {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const start = readme.indexOf('### Call it from a backend in Node');
  if (start === -1) throw new Error('README has no "Call it from a backend in Node" section');
  const section = readme.slice(start, readme.indexOf('\n#', start + 1));
  const program = /```js\n([\s\S]*?)```/.exec(section)?.[1];
  if (program === undefined) throw new Error('README\'s "Call it from a backend in Node" section has no ```js block');
  return program;
}

describe("README's service client program", () => {
  it('imports tokenkeeper/service-client and no other part of the package', () => {
    const imports = [...sectionProgram().matchAll(/from '([^']+)'/g)].map((match) => match[1]);
    expect(imports).toEqual(['tokenkeeper/service-client']);
  });

  it.each([
    ['NodeNext', { module: 'nodenext', moduleResolution: 'nodenext' }],
    ['bundler', { module: 'esnext', moduleResolution: 'bundler' }],
  ])('type-checks under strict, with moduleResolution %s', { timeout: 120_000 }, async (_name, resolution) => {
    const own = mkdtempSync(join(tmpdir(), 'tokenkeeper-readme-service-client-'));
    try {
      writeFileSync(join(own, 'worker.mjs'), sectionProgram());
      await ensureBuilt();
      linkDependencies(own, ['tokenkeeper', '@types/node'], "README's service client program");
      writeFileSync(join(own, 'package.json'), JSON.stringify({ type: 'module', private: true }));
      const compilerOptions = { ...resolution, strict: true, allowJs: true, checkJs: true, noEmit: true, target: 'es2022', types: ['node'] };
      writeFileSync(join(own, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['worker.mjs'] }));
      const compiled = spawnSync(process.execPath, [TSC, '-p', own], { cwd: own, encoding: 'utf8' });
      expect(`${compiled.stdout}${compiled.stderr}`).toBe('');
      expect(compiled.status).toBe(0);
    } finally {
      rmSync(own, { recursive: true, force: true });
    }
  });
});
