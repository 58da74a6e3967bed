// The openssl command line as the independent verifier of what the CA makes. Files live
// in a temporary directory per test file.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface Workdir {
  dir: string;
  write(name: string, content: string | Uint8Array): string;
  remove(): void;
}

export function createWorkdir(prefix = 'hawiya-openssl-'): Workdir {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    write(name, content) {
      const path = join(dir, name);
      writeFileSync(path, content);
      return path;
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

// Runs a command and returns its exit code and output, whether it succeeded or not.
export async function command(file: string, args: string[], cwd?: string): Promise<CommandResult> {
  try {
    const { stdout, stderr } = await run(file, args, { cwd, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const failure = err as { code?: number | string; stdout?: string; stderr?: string };
    if (typeof failure.code !== 'number') throw err;
    return { code: failure.code, stdout: failure.stdout ?? '', stderr: failure.stderr ?? '' };
  }
}

export const openssl = (args: string[], cwd?: string) => command('openssl', args, cwd);
