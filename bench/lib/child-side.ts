// The server side of the IPC channel: typed send, and an exit when the parent goes away
// so no server outlives the benchmark.
import type { FromServer, ToServer } from './messages.ts';

export function tellParent(message: FromServer): void {
  if (!process.send) throw new Error('this file is started by bench/run.ts, not on its own');
  process.send(message);
}

// Questions about CPU time are answered here for every server; the rest go to `handle`.
export function onParentMessage(handle: (message: ToServer) => Promise<void>): void {
  process.on('message', (message: ToServer) => {
    if (message.type === 'cpu') {
      const used = process.cpuUsage();
      tellParent({ type: 'cpu', microseconds: used.user + used.system });
      return;
    }
    handle(message).catch(reportAndExit);
  });
}

export function reportAndExit(err: unknown): void {
  const message = err instanceof Error ? err.stack ?? err.message : String(err);
  try {
    tellParent({ type: 'failed', message });
  } finally {
    process.exitCode = 1;
    process.disconnect?.();
  }
}

export function exitWithParent(): void {
  process.on('disconnect', () => process.exit(process.exitCode ?? 0));
}
