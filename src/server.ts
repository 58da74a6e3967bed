// The HTTP server and its graceful shutdown: on SIGTERM or SIGINT the node reports not
// ready, stops accepting connections, lets requests under way finish, then closes the pool.
import { createServer, type Server } from 'node:http';
import type { Logger } from 'pino';
import type { HawiyaApp } from './app.ts';
import type { Db } from './db/db.ts';

const DRAIN_TIMEOUT_MS = 10_000;

export async function startServer(options: { hawiya: HawiyaApp; db: Db; log: Logger; port: number; host: string; shutdownDelaySeconds: number }): Promise<Server> {
  const { hawiya, db, log } = options;
  const server = createServer(hawiya.app.callback());
  server.headersTimeout = 20_000;
  server.requestTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(options.port, options.host, resolve));
  log.info({ port: options.port, host: options.host }, 'listening');

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'draining');
    hawiya.drain();
    setTimeout(() => {
      const force = setTimeout(() => server.closeAllConnections(), DRAIN_TIMEOUT_MS);
      force.unref();
      server.close(() => {
        hawiya.close();
        db.close().then(() => log.info('stopped'), (err: unknown) => log.error({ err }, 'closing the database failed'));
      });
      server.closeIdleConnections();
    }, options.shutdownDelaySeconds * 1000);
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  return server;
}
