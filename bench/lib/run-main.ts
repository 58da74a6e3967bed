// How every benchmark ends: its servers stopped whatever happens (an error, Ctrl-C), and
// an exit code that says whether it finished.
import { stopServers } from './servers.ts';

export function runBenchmark(main: () => Promise<void>): void {
  process.once('SIGINT', () => {
    stopServers();
    process.exit(130);
  });
  main().then(
    () => {
      stopServers();
      process.exit(0);
    },
    (err: unknown) => {
      process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
      stopServers();
      process.exit(1);
    },
  );
}
