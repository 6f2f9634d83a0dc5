import { describe, expect, it } from 'vitest';
import { daemonSocketName, type DaemonIdentity } from '../../src/cli/daemon/daemon-address.js';
import { daemonWanted } from '../../src/cli/daemon/daemon-wanted.js';

describe('which commands go to a daemon', () => {
  const GENERATE = ['generate', '-m', 'add a column'];

  it('generate, diff and check on a terminal, not in CI, unless SMARTEM_DB_DAEMON says otherwise', () => {
    expect(daemonWanted(GENERATE, {}, true)).toBe(true);
    expect(daemonWanted(['--schema', 'model.ts', 'diff', '--from', 'migrations'], {}, true)).toBe(true);
    expect(daemonWanted(['check', '--model-only'], {}, true)).toBe(true);
    // Piped (a script, a test), or in CI: a process of its own, as drizzle-kit users expect there.
    expect(daemonWanted(GENERATE, {}, false)).toBe(false);
    expect(daemonWanted(GENERATE, { CI: 'true' }, true)).toBe(false);
    expect(daemonWanted(GENERATE, { CI: 'false' }, true)).toBe(true);
    for (const off of ['0', 'false', 'no', 'OFF'])
      expect(daemonWanted(GENERATE, { SMARTEM_DB_DAEMON: off }, true)).toBe(false);
    for (const on of ['1', 'true', 'yes', 'On'])
      expect(daemonWanted(GENERATE, { SMARTEM_DB_DAEMON: on, CI: 'true' }, false)).toBe(true);
  });

  it('never the commands that touch a live database, nor help, nor an unknown command', () => {
    const env = { SMARTEM_DB_DAEMON: '1' };
    for (const argv of [
      ['upgrade'],
      ['downgrade', '-1'],
      ['seed'],
      ['daemon', 'stop'],
      ['generate', '--help'],
      ['--version'],
      [],
      ['gen'],
    ])
      expect(daemonWanted(argv, env, true), argv.join(' ')).toBe(false);
  });
});

describe("a daemon's socket", () => {
  const base: DaemonIdentity = {
    cwd: '/home/dev/smartem',
    env: { DATABASE_URL: 'postgres://localhost/smartem', PATH: '/usr/bin' },
    execPath: '/usr/bin/node',
    nodeVersion: 'v20.20.2',
    code: 'dist/src/cli/main.js:1:2:3',
  };

  it('is one per project, environment, Node and installation', () => {
    const name = daemonSocketName(base);
    expect(name).toMatch(/^d-[0-9a-f]{32}\.sock$/);
    for (const other of [
      { ...base, cwd: '/home/dev/other' },
      { ...base, env: { ...base.env, DATABASE_URL: 'postgres://localhost/other' } },
      { ...base, env: { ...base.env, NO_COLOR: '1' } },
      { ...base, execPath: '/opt/node22/bin/node' },
      { ...base, nodeVersion: 'v22.12.0' },
      { ...base, code: 'dist/src/cli/main.js:1:2:4' },
    ])
      expect(daemonSocketName(other)).not.toBe(name);
  });

  it("is the same whatever the shell's own bookkeeping says", () => {
    const shell = { ...base, env: { ...base.env, _: '/usr/bin/npx', OLDPWD: '/tmp', SHLVL: '3' } };
    expect(daemonSocketName(shell)).toBe(daemonSocketName(base));
  });
});
