/**
 * Test harness for the `sigil` CLI: a real relay as a child process (`sigil relay` on
 * 127.0.0.1, port 0, trace logs captured), CLI commands as separate processes on temporary
 * profile directories, and `watch` processes whose stdout lines are collected.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The launcher, run with this Node (24) directly, not through PATH. */
export const BIN = fileURLToPath(new URL('../bin/sigil.js', import.meta.url));

/** A temporary directory removed by {@link cleanupDirs}. */
const dirs: string[] = [];
export function tempDir(prefix = 'sigil-cli-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}
export function cleanupDirs(): void {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Environment for CLI children: no inherited profile, config home in a temp dir. */
function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, XDG_CONFIG_HOME: tempDir('sigil-xdg-') };
  delete env.SIGIL_PROFILE;
  delete env.NODE_OPTIONS;
  return { ...env, ...extra };
}

/** A process with its output collected. */
export interface Child {
  readonly proc: ChildProcess;
  readonly stdout: Buffer[];
  readonly stderr: Buffer[];
  /** Resolves with the exit code (or the signal name) when the process ends. */
  readonly exited: Promise<number | string>;
  /** Stdout split into complete lines. */
  lines(): string[];
}

function start(args: readonly string[], env: NodeJS.ProcessEnv, input?: string): Child {
  const proc = spawn(process.execPath, [BIN, ...args], { env, stdio: 'pipe' });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  proc.stdout.on('data', (b: Buffer) => stdout.push(b));
  proc.stderr.on('data', (b: Buffer) => stderr.push(b));
  const exited = new Promise<number | string>((resolve) =>
    proc.on('close', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  if (input !== undefined) proc.stdin.end(input);
  else proc.stdin.end();
  return {
    proc,
    stdout,
    stderr,
    exited,
    lines: () =>
      Buffer.concat(stdout)
        .toString('utf8')
        .split('\n')
        .filter((l) => l !== ''),
  };
}

/** Polls `check` until it holds, or fails naming `what`. */
export async function until(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A relay child process. */
export interface RelayProcess {
  readonly url: string;
  readonly dataDir: string;
  readonly child: Child;
  /** Every file in the data directory (database, WAL), read now. */
  files(): Buffer[];
  /** Everything the relay printed (stdout and stderr). */
  logs(): Buffer;
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<number | string>;
}

/** Starts `sigil relay` on 127.0.0.1 port 0 and parses the URL it prints. */
export async function startRelayProcess(): Promise<RelayProcess> {
  const dataDir = tempDir('sigil-relay-');
  const child = start(
    [
      'relay',
      ...['--port', '0', '--host', '127.0.0.1', '--data-dir', dataDir, '--log-level', 'trace'],
      // Every test signs up several accounts from 127.0.0.1.
      ...['--signup-limit', '1000/1000'],
    ],
    childEnv(),
  );
  let url: string | undefined;
  await until(() => {
    const match = /relay listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(
      Buffer.concat(child.stdout).toString('utf8'),
    );
    url = match?.[1];
    return url !== undefined;
  }, 'the relay to print its URL');
  return {
    url: url as string,
    dataDir,
    child,
    files: () => readdirSync(dataDir).map((f) => readFileSync(join(dataDir, f))),
    logs: () => Buffer.concat([...child.stdout, ...child.stderr]),
    stop: async () => {
      child.proc.kill('SIGTERM');
      return child.exited;
    },
  };
}

/** The outcome of one CLI command. */
export interface Result {
  readonly code: number | string;
  readonly stdout: string;
  readonly stderr: string;
  /** Stdout's lines parsed as JSON (for `--json`). */
  json<T = Record<string, unknown>>(): T[];
}

/** Runs `sigil <args> --profile <profile>` as its own process and waits for it. */
export async function sigil(
  profile: string,
  args: readonly string[],
  options: { input?: string; env?: Record<string, string> } = {},
): Promise<Result> {
  const child = start([...args, '--profile', profile], childEnv(options.env), options.input);
  const code = await child.exited;
  const stdout = Buffer.concat(child.stdout).toString('utf8');
  return {
    code,
    stdout,
    stderr: Buffer.concat(child.stderr).toString('utf8'),
    json: <T>() =>
      stdout
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as T),
  };
}

/** Runs a command that must succeed; fails with its stderr otherwise. */
export async function ok(
  profile: string,
  args: readonly string[],
  options: { input?: string } = {},
): Promise<Result> {
  const result = await sigil(profile, args, options);
  if (result.code !== 0) {
    throw new Error(`sigil ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  }
  return result;
}

/** A running `sigil watch --json`. */
export interface Watch {
  readonly child: Child;
  /** The texts of the message lines printed so far, in order. */
  texts(): string[];
}

/** Starts `sigil watch --json` and waits until it is connected and has caught up. */
export async function startWatch(profile: string): Promise<Watch> {
  const child = start(['watch', '--json', '--profile', profile], childEnv());
  await until(
    () => Buffer.concat(child.stderr).toString('utf8').includes('waiting for messages'),
    'watch to connect',
  );
  return {
    child,
    texts: () =>
      child
        .lines()
        .map((l) => JSON.parse(l) as { type: string; text?: string })
        .filter((m) => m.type === 'message')
        .map((m) => m.text ?? '?'),
  };
}

/** Whether `needle` occurs in any of the buffers (searched as UTF-8 bytes). */
export function containsBytes(haystacks: readonly Buffer[], needle: string): boolean {
  const bytes = Buffer.from(needle, 'utf8');
  return haystacks.some((h) => h.includes(bytes));
}

/** Plaintexts a test file sends, to search the relay's bytes for at the end. */
export interface SentPlaintexts {
  /** Every plaintext recorded so far. */
  readonly sent: string[];
  /** A fresh plaintext `label <16 hex>`, recorded. */
  secret(label: string): string;
}

/** A recorder of the plaintexts a test file sends. */
export function sentPlaintexts(): SentPlaintexts {
  const sent: string[] = [];
  return {
    sent,
    secret(label) {
      const text = `${label} ${randomBytes(8).toString('hex')}`;
      sent.push(text);
      return text;
    },
  };
}
