import { mkdirSync, readdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { onMessages, send, type DaemonStatus, type FromDaemon } from '../../src/cli/daemon/daemon-protocol.js';
import { query, useFreshDatabase } from '../support/fresh-database.js';
import { tempDir } from '../support/migrations-dir.js';
import { ROOT, spawnTs } from '../support/spawn.js';

// The CLI from its sources, as bin/smartem-db.js runs the compiled one: a daemon when one answers.
const ENTRY = join(ROOT, 'src/cli/cli-entry.ts');
const db = useFreshDatabase();
const started: { dir: string; env: NodeJS.ProcessEnv }[] = [];

const model = (columns: string) =>
  `import { pgTable, varchar } from 'drizzle-orm/pg-core';\nexport const grid = pgTable('grid', { uuid: varchar('uuid').primaryKey()${columns} });\n`;

/** A project whose model is plain JavaScript, edited in place: what Node's module cache would keep. */
function project(columns = '', server = true) {
  const dir = realpathSync(tempDir());
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  mkdirSync(join(dir, 'drizzle'));
  const setModel = (source: string) => writeFileSync(join(dir, 'model.js'), source);
  setModel(model(columns));
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    ...(server ? { DATABASE_URL: db.url } : {}),
    SMARTEM_DB_DAEMON: '1',
    SMARTEM_DB_DAEMON_IDLE_SECONDS: '120',
  };
  started.push({ dir, env });
  const cli = async (args: string[], extra: NodeJS.ProcessEnv = {}) => {
    const r = await spawnTs(ENTRY, args, { cwd: dir, env: { ...env, ...extra } }).done;
    return { code: r.code, stdout: r.stdout, stderr: r.stderr };
  };
  const FOLDER = ['--migrations', 'drizzle', '--schema', 'model.js'];
  return { dir, env, setModel, cli, FOLDER };
}

/** The project's daemon, once it answers (the first command started it). */
async function daemonOf(p: ReturnType<typeof project>): Promise<DaemonStatus & { current: boolean }> {
  for (let tries = 0; tries < 60; tries++) {
    const r = await p.cli(['daemon', 'status', '--json']);
    const mine = (JSON.parse(r.stdout) as { daemons: (DaemonStatus & { current: boolean })[] }).daemons.find(
      (d) => d.current,
    );
    if (mine) return mine;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`no daemon answered for ${p.dir}`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

// Stopped, and waited for: a daemon drops what it made ahead on the test's database as it ends,
// which must come before that database is dropped.
afterEach(async () => {
  for (const { dir, env } of started.splice(0)) {
    const stopped = await spawnTs(ENTRY, ['daemon', 'stop', '--json'], { cwd: dir, env }).done;
    for (const { pid } of (JSON.parse(stopped.stdout) as { daemons: DaemonStatus[] }).daemons) {
      await ended(pid);
      // Nothing it made is left on the server (what it made ahead, what its last command used).
      const left = await query(db.url, 'SELECT datname FROM pg_database WHERE datname LIKE $1', [
        `smartem_scratch_${pid}_%`,
      ]);
      expect(left).toEqual([]);
    }
  }
});

async function ended(pid: number): Promise<void> {
  for (let waited = 0; alive(pid) && waited < 20_000; waited += 100) await new Promise((r) => setTimeout(r, 100));
  expect(alive(pid), `daemon ${pid} still running`).toBe(false);
}

describe('the daemon', () => {
  it.each([
    ['on a server', true],
    ['without a server (PGlite)', false],
  ])(
    'answers generate and diff as a process of its own does, with each edit of the model seen, %s',
    async (_, server) => {
      const p = project('', server);
      const baseline = await p.cli(['generate', '-m', 'baseline', ...p.FOLDER, '--json']);
      expect(baseline.code, baseline.stderr).toBe(0);
      const daemon = await daemonOf(p);
      expect(daemon.commands).toBe(0);

      const DIFF = ['diff', '--from', 'migrations', '--to', 'schema', ...p.FOLDER, '--quiet'];
      p.setModel(model(", name: varchar('name')"));
      const onDaemon = await p.cli(DIFF);
      const ownProcess = await p.cli(DIFF, { SMARTEM_DB_DAEMON: '0' });
      expect(onDaemon.code, onDaemon.stderr).toBe(0);
      expect(onDaemon.stdout).toContain('ADD COLUMN "name"');
      expect(onDaemon).toEqual(ownProcess);
      expect((await daemonOf(p)).commands).toBe(1);

      // The same file edited again: the daemon bundles it anew, never its first import.
      // What the model itself prints reaches the terminal as it would.
      p.setModel(
        `${model(", name: varchar('name'), size: varchar('size')")}console.warn('a warning from the model');\n`,
      );
      const again = await p.cli(DIFF);
      expect(again.stdout).toContain('ADD COLUMN "size"');
      expect(again.stderr).toContain('a warning from the model');
      expect(again).toEqual(await p.cli(DIFF, { SMARTEM_DB_DAEMON: '0' }));

      const written = await p.cli(['generate', '-m', 'two columns', ...p.FOLDER, '--json']);
      expect(written.code, written.stderr).toBe(0);
      const result = JSON.parse(written.stdout) as { id: string; proved: boolean };
      expect(result.proved).toBe(true);
      const up = readFileSync(join(p.dir, 'drizzle', result.id, 'up.sql'), 'utf8');
      expect(up).toContain('"name"');
      expect(up).toContain('"size"');
      const status = await daemonOf(p);
      expect(status.commands).toBe(3);
      expect(status.pid).toBe(daemon.pid);

      // A model esbuild cannot read goes back to a process of its own: the same error, shown once.
      p.setModel('export const grid = ;\n');
      const stamps = (r: { code: number | null; stdout: string; stderr: string }) => ({
        ...r,
        stderr: r.stderr.replace(/\[\d+\.\ds\]/g, '[t]'),
      });
      const broken = stamps(await p.cli(['generate', '-m', 'broken', ...p.FOLDER]));
      const brokenOwn = stamps(await p.cli(['generate', '-m', 'broken', ...p.FOLDER], { SMARTEM_DB_DAEMON: '0' }));
      expect(broken.code).toBe(2);
      expect(broken.stderr).toContain('model.js');
      expect(broken).toEqual(brokenOwn);

      const stopped = await p.cli(['daemon', 'stop', '--json']);
      expect((JSON.parse(stopped.stdout) as { daemons: DaemonStatus[] }).daemons.map((d) => d.pid)).toEqual([
        daemon.pid,
      ]);
      const none = JSON.parse((await p.cli(['daemon', 'status', '--json'])).stdout) as { daemons: { cwd: string }[] };
      expect(none.daemons.filter((d) => d.cwd === p.dir)).toEqual([]);
      // Nothing of it is left on the server once it has ended: the database it made ahead for the
      // next command is dropped, also one it was making when told to stop.
      await ended(daemon.pid);
      const left = await query(db.url, 'SELECT datname FROM pg_database WHERE datname LIKE $1', [
        `smartem_scratch_${daemon.pid}_%`,
      ]);
      expect(left).toEqual([]);
    },
  );

  it("carries a rename prompt to the client's terminal and its answer back", async () => {
    const p = project(", name: varchar('name')");
    expect((await p.cli(['generate', '-m', 'baseline', ...p.FOLDER])).code).toBe(0);
    const daemon = await daemonOf(p);
    p.setModel(model(", title: varchar('title')"));

    const socket = createConnection(daemon.socket);
    const questions: string[] = [];
    const code = await new Promise<number>((resolve, reject) => {
      socket.on('error', reject);
      onMessages<FromDaemon>(socket, (m) => {
        if (m.kind === 'ask') {
          questions.push(m.question);
          send(socket, { kind: 'answer', id: m.id, yes: true });
        } else if (m.kind === 'exit') resolve(m.code);
        else if (m.kind === 'inline') reject(new Error('the daemon handed the command back'));
      });
      send(socket, {
        kind: 'run',
        argv: ['generate', '-m', 'rename', ...p.FOLDER, '--quiet'],
        stdinIsTTY: true,
        stdoutIsTTY: false,
        stderrIsTTY: true,
      });
    });
    socket.destroy();
    expect(code).toBe(0);
    expect(questions).toHaveLength(1);
    expect(questions[0]).toMatch(/title.*name/);
    const last = readdirSync(join(p.dir, 'drizzle'))
      .filter((f) => !f.includes('.'))
      .sort()
      .at(-1)!;
    expect(readFileSync(join(p.dir, 'drizzle', last, 'up.sql'), 'utf8')).toMatch(/RENAME COLUMN "name" TO "title"/);
  });
});
