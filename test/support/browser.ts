// What every browser suite needs: Debian's Chromium driven by playwright-core (required:
// a missing browser fails the suite, never skips it), a relying party whose redirect_uri
// is a real server recording each callback, and the screenshots folder.
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { chromium, type Browser, type CDPSession, type Page } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// The machine has no network: without these, Chromium keeps trying to reach Google.
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
export const SCREENSHOTS = join(import.meta.dirname, '..', '..', 'artifacts', 'screenshots');

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: the browser tests need it. Install it with \`apt-get install -y chromium\`, or set CHROMIUM_PATH.`);
  }
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

// A device with a platform authenticator that verifies its user: Chromium's virtual
// authenticator (DevTools WebAuthn domain). `synced` makes it a synced passkey provider
// (backup eligible and backed up: BE and BS set), else it keeps its passkeys on the
// device alone (neither set).
export interface Device {
  cdp: CDPSession;
  authenticatorId: string;
}

export async function attachDevice(page: Page, flags: { synced: boolean }): Promise<Device> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable', { enableUI: false });
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2', ctap2Version: 'ctap2_1', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true,
      automaticPresenceSimulation: true, defaultBackupEligibility: flags.synced, defaultBackupState: flags.synced,
    },
  });
  return { cdp, authenticatorId };
}

export interface RelyingParty {
  callbackUrl: string;
  callbacks: URL[];
  close(): Promise<void>;
}

export async function startRelyingParty(): Promise<RelyingParty> {
  const callbacks: URL[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    if (url.pathname === '/callback') callbacks.push(url);
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end('callback reached');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    callbackUrl: `http://127.0.0.1:${port}/callback`,
    callbacks,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
