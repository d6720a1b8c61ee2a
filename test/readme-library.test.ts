// README's "Use it as a library" program, run as a developer would run it
// after installing this repository in an empty folder: the code block as it
// stands in README (only its two ports changed to free ones), a sign-in
// through its dev provider, and the API called with the user's token.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TestBrowser } from './support/browser.js';
import { linkDependencies } from './support/example-app.js';
import { ensureBuilt, freePorts, spawnServer, type SpawnedServer } from './support/server-processes.js';

const TSC = new URL('../node_modules/typescript/bin/tsc', import.meta.url).pathname;

/** The section's ```js blocks, in order. */
function readmePrograms(): string[] {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const start = readme.indexOf('## Use it as a library');
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
  const programs = [...section.matchAll(/```js\n([\s\S]*?)```/g)].map((match) => match[1]!);
  if (programs.length === 0) throw new Error('README\'s "Use it as a library" section has no ```js block');
  return programs;
}

function readmeProgram(): string {
  return readmePrograms()[0]!;
}

describe("README's library program", () => {
  const folder = mkdtempSync(join(tmpdir(), 'tokenkeeper-readme-'));
  let server: SpawnedServer | undefined;
  afterAll(async () => {
    await server?.stop();
    rmSync(folder, { recursive: true, force: true });
  });

  it('runs from an empty folder with the package installed: sign in as alice, see her user, connection and notes', async () => {
    const program = readmeProgram();
    expect(program).toContain("from 'tokenkeeper'");
    const [port, providerPort] = (await freePorts(2)) as [number, number];
    const moved = program.replaceAll('3000', String(port)).replaceAll('4000', String(providerPort));
    writeFileSync(join(folder, 'app.mjs'), moved);
    await ensureBuilt();
    linkDependencies(folder, ['tokenkeeper'], "README's program");

    server = spawnServer({ name: 'README app.mjs', nodeArgs: ['app.mjs'], env: {}, cwd: folder, port });
    await server.ready(60_000, { anyAnswer: true });
    const browser = new TestBrowser();
    const login = await browser.get(`http://localhost:${port}/`);
    expect(login.text).toContain('name="password"');
    const consent = await browser.submitForm(login, { username: 'alice', password: 'alice' });
    const page = await browser.submitForm(consent);
    expect(page.status).toBe(200);
    const body = JSON.parse(page.text) as { user: { name: string }; connection: { provider: string; status: string; hasRefreshToken: boolean }; isNewUser: boolean; notes: unknown };
    expect(body).toMatchObject({ user: { name: 'Alice Liddell' }, connection: { provider: 'toolkit', status: 'active', hasRefreshToken: true }, isNewUser: true });
    expect(JSON.stringify(body.notes)).toContain('Tea party');

    const replayed = await browser.get(page.url);
    expect(replayed.status).toBe(400);
    expect(replayed.text).toMatch(/^invalid_state/);
  });

  it('its testing program runs as written: alice signed in with authorizeAs, her notes fetched, no refresh', { timeout: 60_000 }, async () => {
    const program = readmePrograms().find((block) => block.includes('authorizeAs('));
    expect(program, 'a ```js block using authorizeAs').toBeDefined();
    const own = mkdtempSync(join(tmpdir(), 'tokenkeeper-readme-testing-'));
    try {
      writeFileSync(join(own, 'testing.mjs'), program!);
      await ensureBuilt();
      linkDependencies(own, ['tokenkeeper'], "README's testing program");
      const run = spawnSync(process.execPath, ['testing.mjs'], { cwd: own, encoding: 'utf8', timeout: 50_000 });
      expect(run.stderr.replace(/^oidc-provider WARNING: .*\n/m, '')).toBe('');
      expect(run.stdout).toBe('alice 200 0\n');
      expect(run.status).toBe(0);
    } finally {
      rmSync(own, { recursive: true, force: true });
    }
  });

  // A reader who copies them into a TypeScript project, or checks JavaScript with TypeScript (an editor does), under
  // `strict`: a caught error is `unknown` there, so reading its `code` needs the TokenkeeperError it is.
  it.each([
    ['NodeNext', { module: 'nodenext', moduleResolution: 'nodenext' }],
    ['bundler', { module: 'esnext', moduleResolution: 'bundler' }],
  ])('its programs type-check under strict, with moduleResolution %s', { timeout: 120_000 }, async (_name, resolution) => {
    const own = mkdtempSync(join(tmpdir(), 'tokenkeeper-readme-types-'));
    try {
      const files = readmePrograms().map((program, index) => {
        writeFileSync(join(own, `program-${index}.mjs`), program);
        return `program-${index}.mjs`;
      });
      await ensureBuilt();
      linkDependencies(own, ['tokenkeeper', '@types/node'], "README's programs");
      writeFileSync(join(own, 'package.json'), JSON.stringify({ type: 'module', private: true }));
      const compilerOptions = { ...resolution, strict: true, allowJs: true, checkJs: true, noEmit: true, target: 'es2022', types: ['node'] };
      writeFileSync(join(own, 'tsconfig.json'), JSON.stringify({ compilerOptions, files }));
      const compiled = spawnSync(process.execPath, [TSC, '-p', own], { cwd: own, encoding: 'utf8' });
      expect(`${compiled.stdout}${compiled.stderr}`).toBe('');
      expect(compiled.status).toBe(0);
    } finally {
      rmSync(own, { recursive: true, force: true });
    }
  });
});
