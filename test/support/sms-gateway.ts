// A tiny SMS HTTP gateway for tests: answers the first `failures` requests with 503 (or
// never, with `hang`), then 202; records each request's bearer token and JSON body.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface GatewayRequest {
  authorization: string | undefined;
  body: { id: string; to: string; text: string };
  accepted: boolean;
}

export async function startSmsGateway(options: { failures?: number; hang?: number } = {}) {
  const requests: GatewayRequest[] = [];
  const hanging: ServerResponse[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const index = requests.length;
      const accepted = index >= (options.failures ?? 0) + (options.hang ?? 0);
      requests.push({ authorization: req.headers.authorization, body: JSON.parse(Buffer.concat(chunks).toString('utf8')), accepted });
      if (index < (options.hang ?? 0)) {
        hanging.push(res);
        return;
      }
      res.writeHead(accepted ? 202 : 503, { 'Content-Type': 'application/json' });
      res.end(accepted ? '{"status":"queued"}' : '{"error":"busy"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/messages`,
    requests,
    accepted: () => requests.filter((request) => request.accepted),
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
