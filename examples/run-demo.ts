// `npm run demo`: Hawiya (`hawiya demo run`, which seeds the demo data and starts the
// provider) as a child process, then, once it is ready, the three example relying
// parties in this process. Ctrl-C stops both. The examples import nothing from src/:
// Hawiya is reached over HTTP only, as any agency's service would.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { startExamples } from './stack.ts';

const port = Number(process.env.PORT ?? 3000);
const issuer = process.env.ISSUER ?? `http://localhost:${port}`;
const dataDir = process.env.DATA_DIR ?? './data';
const ports = { portal: 4000, payments: 4100, mobile: 4200 };

const hawiya = spawn(process.execPath, [join(import.meta.dirname, '..', 'src', 'main.ts'), 'demo', 'run'], {
  stdio: 'inherit',
  env: { ...process.env, NODE_ENV: process.env.NODE_ENV ?? 'development', PORT: String(port), DATA_DIR: dataDir },
});
hawiya.on('exit', (code) => {
  process.exitCode = code ?? 1;
  process.exit();
});

async function ready(): Promise<void> {
  for (let tries = 0; tries < 240; tries++) {
    try {
      if ((await fetch(`${issuer}/readyz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`Hawiya did not become ready at ${issuer}`);
}

try {
  await ready();
  const stack = await startExamples({ issuer, dataDir, ports });
  process.stdout.write(`\nExample relying parties (sign in with a demo person above: youssef or karim reach substantial, which requests and payments need;
karim is finance staff of the Interior and the Police, for the back office; leila's passkey, for a browser's virtual authenticator, reaches high):
  citizen portal:   ${stack.urls.portal}/
  payment gateway:  ${stack.urls.payments}/   (finance back office: ${stack.urls.payments}/back-office)
  mobile app:       ${stack.urls.mobile}/
`);
  const stop = () => {
    void stack.close().then(() => hawiya.kill('SIGTERM'));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (err) {
  process.stderr.write(`demo: ${(err as Error).message}\n`);
  hawiya.kill('SIGTERM');
  process.exitCode = 1;
}
