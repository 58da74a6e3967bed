// Starting the two servers as child processes, and talking to them, with every wait
// bounded in time.
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { FromServer, SharedKeys, ToServer } from './messages.ts';
import type { ClientMetadata } from '../../src/oidc/clients.ts';

const SERVERS_DIR = join(import.meta.dirname, '..', 'servers');
const START_TIMEOUT_MS = 60_000;

export interface RunningServer {
  name: string;
  url: string;
  backend: string;
  keys: SharedKeys | undefined;
  child: ChildProcess;
}

const started: ChildProcess[] = [];

// Ends the servers this benchmark started, by their own handles.
export function stopServers(): void {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill();
}

function send(child: ChildProcess, message: ToServer): void {
  child.send(message);
}

// The next message of the given type, or an error if the server fails, exits or is slow.
function reply<T extends FromServer['type']>(child: ChildProcess, type: T, timeoutMs: number): Promise<Extract<FromServer, { type: T }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`no "${type}" from the server within ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (message: FromServer) => {
      if (message.type === type) finish(undefined, message as Extract<FromServer, { type: T }>);
      else if (message.type === 'failed') finish(new Error(`the server failed:\n${message.message}`));
    };
    const onExit = (code: number | null) => finish(new Error(`the server exited (code ${code}) before "${type}"`));
    function finish(err: Error | undefined, value?: Extract<FromServer, { type: T }>) {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (err) reject(err);
      else resolve(value!);
    }
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

function forkServer(file: string, env: NodeJS.ProcessEnv): ChildProcess {
  const child = fork(join(SERVERS_DIR, file), [], { env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  started.push(child);
  return child;
}

export async function startHawiya(databaseUrl: string | undefined): Promise<RunningServer> {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'test' };
  if (databaseUrl) env.DATABASE_URL = databaseUrl;
  else delete env.DATABASE_URL;
  const child = forkServer('hawiya.ts', env);
  const ready = await reply(child, 'ready', START_TIMEOUT_MS);
  return { name: 'hawiya', url: ready.url, backend: ready.backend, keys: ready.keys, child };
}

export async function startBare(keys: SharedKeys, client: ClientMetadata): Promise<RunningServer> {
  const child = forkServer('bare.ts', { ...process.env, NODE_ENV: 'test' });
  send(child, { type: 'start', keys, client });
  const ready = await reply(child, 'ready', START_TIMEOUT_MS);
  return { name: 'bare', url: ready.url, backend: ready.backend, keys: undefined, child };
}

// CPU time the server's process has used so far, in microseconds.
export async function cpuTimeOf(server: RunningServer): Promise<number> {
  send(server.child, { type: 'cpu' });
  const { microseconds } = await reply(server.child, 'cpu', 10_000);
  return microseconds;
}

// Wall time of `count` argon2id hashes, `concurrency` at a time, in Hawiya's process.
export async function timeHashesIn(server: RunningServer, count: number, concurrency: number): Promise<number> {
  send(server.child, { type: 'hash', count, concurrency });
  const { elapsedMs } = await reply(server.child, 'hashed', 10_000 + count * 5_000);
  return elapsedMs;
}

// Registers more clients in Hawiya's process.
export async function registerClientsIn(server: RunningServer, clients: ClientMetadata[]): Promise<void> {
  send(server.child, { type: 'register', clients });
  await reply(server.child, 'registered', 30_000);
}
