// The three example relying parties, started side by side on loopback ports against one
// Hawiya issuer. `npm run demo` (run-demo.ts) and the end-to-end browser test start them
// the same way. Each keeps its state in <dataDir>/examples/<client id>/ (or in memory).
import { join } from 'node:path';
import { clientKeyFile, loadClientKey } from './shared/client-key.ts';
import { listen, type Listening } from './shared/http-server.ts';
import { createPortal } from './portal/app.ts';
import { createGateway } from './payments/app.ts';
import { createMobileServer } from './mobile/server.ts';

export interface ExamplePorts {
  portal: number;
  payments: number;
  mobile: number;
}

export interface ExampleStack {
  urls: { portal: string; payments: string; mobile: string };
  portal: ReturnType<typeof createPortal>;
  gateway: ReturnType<typeof createGateway>;
  mobile: ReturnType<typeof createMobileServer>;
  close(): Promise<void>;
}

export const CLIENT_IDS = { portal: 'demo-portal', payments: 'demo-payments', mobile: 'demo-mobile' } as const;

// The gateway's payment API as the demo seed registers it at Hawiya (a resource server of
// the Treasury, the gateway's agency).
export const PAYMENT_API = { identifier: 'https://payments.demo.example/api', scope: 'payments:initiate' } as const;

export async function startExamples(options: { issuer: string; dataDir: string; ports: ExamplePorts; keepState?: boolean; processorDelayMs?: number }): Promise<ExampleStack> {
  // The seed registered these clients with these hosts: the portal and the gateway on
  // localhost, the app as a native client on the loopback address.
  const urls = {
    portal: `http://localhost:${options.ports.portal}`,
    payments: `http://localhost:${options.ports.payments}`,
    mobile: `http://127.0.0.1:${options.ports.mobile}`,
  };
  const stateDir = (clientId: string) => (options.keepState === false ? null : join(options.dataDir, 'examples', clientId));
  const portal = createPortal({
    issuer: options.issuer, baseUrl: urls.portal, clientId: CLIENT_IDS.portal,
    key: await loadClientKey(clientKeyFile(options.dataDir, CLIENT_IDS.portal)),
    gateway: { url: urls.payments, clientId: CLIENT_IDS.payments },
    mobile: { origin: urls.mobile, clientId: CLIENT_IDS.mobile },
    dataDir: stateDir(CLIENT_IDS.portal),
  });
  const gateway = createGateway({
    issuer: options.issuer, baseUrl: urls.payments, clientId: CLIENT_IDS.payments,
    key: await loadClientKey(clientKeyFile(options.dataDir, CLIENT_IDS.payments)),
    merchants: [{ clientId: CLIENT_IDS.portal, name: 'Citizen portal', url: urls.portal }],
    paymentApi: PAYMENT_API,
    dataDir: stateDir(CLIENT_IDS.payments),
    processorDelayMs: options.processorDelayMs ?? 1500,
  });
  const mobile = createMobileServer({ issuer: options.issuer, baseUrl: urls.mobile, clientId: CLIENT_IDS.mobile, portalUrl: urls.portal, dataDir: stateDir(CLIENT_IDS.mobile) });
  const servers: Listening[] = [];
  try {
    servers.push(await listen(portal.app, options.ports.portal));
    servers.push(await listen(gateway.app, options.ports.payments));
    servers.push(await listen(mobile.app, options.ports.mobile));
  } catch (err) {
    await Promise.all(servers.map((server) => server.close()));
    throw err;
  }
  return { urls, portal, gateway, mobile, close: async () => void (await Promise.all(servers.map((server) => server.close()))) };
}
