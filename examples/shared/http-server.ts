// Starts a Koa app on a loopback port (0: any free one) and says where it listens.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Koa from 'koa';

export interface Listening {
  port: number;
  close(): Promise<void>;
}

export async function listen(app: Koa, port: number, host = '127.0.0.1'): Promise<Listening> {
  const server = createServer(app.callback());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  return {
    port: (server.address() as AddressInfo).port,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
