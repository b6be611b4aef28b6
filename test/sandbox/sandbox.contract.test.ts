import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/until.js';
import { UnconfinedSandbox } from '../../src/adapters/sandbox/unconfined-sandbox.js';
import type { Sandbox } from '../../src/application/ports/sandbox.js';
import { sandbox as bubblewrap, exists, killGroup, scopeFixture, skipSandbox, startConfined } from './support/confined.js';

/**
 * What every Sandbox adapter promises a driver, whatever it confines: the probe answers, the
 * launch runs the program with its arguments in its directory and with exactly the
 * environment given, its exit code and output come back, and what it writes inside the scope
 * lands on the host's files, and it says truly whether a signal to the launched process reaches
 * the program. What bubblewrap withholds is its own suite's (bubblewrap-*.test.ts).
 */
const SANDBOXES: readonly { readonly box: Sandbox; readonly mode: string; readonly confined: boolean; readonly passesSignals: boolean; readonly skip: boolean }[] = [
  { box: bubblewrap, mode: 'bwrap', confined: true, passesSignals: false, skip: skipSandbox },
  { box: new UnconfinedSandbox(), mode: 'none', confined: false, passesSignals: true, skip: false },
];

for (const { box, mode, confined, passesSignals, skip } of SANDBOXES) {
  describe.skipIf(skip)(`Sandbox contract: ${mode}`, () => {
    let f: Awaited<ReturnType<typeof scopeFixture>>;
    const HOST_SECRET = 'PODS_CONTRACT_HOST_SECRET';
    beforeAll(async () => {
      f = await scopeFixture();
      process.env[HOST_SECRET] = 'must-not-leak';
    });
    afterAll(async () => {
      delete process.env[HOST_SECRET];
      await f.dispose();
    });

    const run = async (args: string[], env?: Record<string, string>) => {
      const started = await startConfined(box, f.confinement(), { file: 'sh', args, cwd: f.at('w'), ...(env ? { env } : {}) });
      const code = await started.closed;
      return { code, confined: started.confined, ...started.output() };
    };

    it('names its mode and answers its probe with a label', async () => {
      expect(box.mode).toBe(mode);
      expect(await box.probe()).toMatchObject({ available: true, label: expect.any(String) });
    });

    it('runs the program with its arguments in its working directory, and hands back its output and exit code', async () => {
      const r = await run(['-c', 'pwd; printf "%s|" "$1" "$2"; echo >&2 oops; exit 3', 'sh', 'one arg', '$HOME']);
      expect(r).toMatchObject({ code: 3, stdout: `${f.at('w')}\none arg|$HOME|`, stderr: 'oops\n' });
      expect(r.confined.confined).toBe(confined);
    });

    it("gives the process exactly the environment of the launch: nothing of the host's", async () => {
      const r = await run(['-c', 'env | sort'], { PATH: '/usr/bin:/bin', POD_GIVEN: 'yes' });
      expect(r.code).toBe(0);
      const names = r.stdout.split('\n').filter(Boolean).map((line) => line.split('=')[0]);
      expect(names).toContain('POD_GIVEN');
      expect(names).not.toContain(HOST_SECRET);
      expect(r.stdout).not.toContain('must-not-leak');
      // A shell sets a few of its own (PWD, SHLVL, _); nothing else beyond what was given.
      expect(names.filter((n) => !['PATH', 'POD_GIVEN', 'PWD', 'SHLVL', '_', 'OLDPWD'].includes(n!))).toEqual([]);
    });

    it("writes what it writes inside the scope to the host's file", async () => {
      const r = await run(['-c', 'echo written > note.txt']);
      expect(r.code).toBe(0);
      expect(await readFile(f.at('w/note.txt'), 'utf8')).toBe('written\n');
    });

    it(`says whether a SIGTERM to the launched process reaches the program (${passesSignals ? 'it does' : 'it does not'})`, async () => {
      const started = await startConfined(box, f.confinement(), {
        file: 'sh', args: ['-c', 'trap "echo TERM > warned.txt; exit 0" TERM; echo ready; while :; do sleep 0.05; done'], cwd: f.at('w'),
      });
      try {
        await eventually('the program ready', () => started.output().stdout.includes('ready'));
        started.child.kill('SIGTERM');
        await started.closed;
        expect(started.confined.passesSignals).toBe(passesSignals);
        expect(await exists(f.at('w/warned.txt'))).toBe(passesSignals);
      } finally {
        killGroup(started.child);
      }
    });
  });
}
