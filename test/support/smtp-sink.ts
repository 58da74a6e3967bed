// A tiny SMTP server for tests: speaks just enough SMTP for nodemailer, refuses the first
// `failures` messages with a temporary error (451) after reading them, accepts the rest,
// and decodes what it accepted (headers, RFC 2047 subjects, base64 or quoted-printable).
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface ReceivedMail {
  from: string;
  to: string[];
  headers: Map<string, string>;
  subject: string;
  text: string;
}

// Quoted-printable: =XX is a byte; everything else is itself.
function qpDecode(text: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const hex = text.slice(i + 1, i + 3);
    if (text[i] === '=' && /^[0-9A-F]{2}$/i.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else bytes.push(...Buffer.from(text[i]!, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

// RFC 2047 encoded words; the space between two adjacent words is not part of the text.
function decodeWords(value: string): string {
  return value.replace(/\?=\s+=\?/g, '?==?').replace(/=\?[^?]+\?([BbQq])\?([^?]*)\?=/g, (_all, encoding: string, text: string) => (
    encoding.toUpperCase() === 'B' ? Buffer.from(text, 'base64').toString('utf8') : qpDecode(text.replace(/_/g, ' '))
  ));
}

function decodeBody(body: string, encoding: string | undefined): string {
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding === 'quoted-printable') return qpDecode(body.replace(/=\r?\n/g, ''));
  return body;
}

export function parseMail(raw: string, envelope: { from: string; to: string[] }): ReceivedMail {
  const split = raw.indexOf('\r\n\r\n');
  const headerText = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const headers = new Map<string, string>();
  for (const line of headerText.split('\r\n')) {
    const colon = line.indexOf(':');
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  const text = decodeBody(raw.slice(split + 4), headers.get('content-transfer-encoding')?.toLowerCase()).replace(/\r\n/g, '\n').replace(/\n$/, '');
  return { ...envelope, headers, subject: decodeWords(headers.get('subject') ?? ''), text };
}

export interface SmtpSink {
  url: string;
  received: ReceivedMail[];
  // Messages whose DATA was read, accepted or refused.
  attempts: number;
  close(): Promise<void>;
}

export async function startSmtpSink(options: { failures?: number } = {}): Promise<SmtpSink> {
  const received: ReceivedMail[] = [];
  const sockets = new Set<Socket>();
  let attempts = 0;
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let buffer = '';
    let data: string[] | undefined;
    let envelope = { from: '', to: [] as string[] };
    const reply = (line: string) => socket.write(`${line}\r\n`);
    reply('220 sink.test ESMTP');
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      let end: number;
      while ((end = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (data) {
          if (line !== '.') {
            data.push(line.startsWith('..') ? line.slice(1) : line);
            continue;
          }
          attempts += 1;
          if (attempts <= (options.failures ?? 0)) reply('451 4.3.0 mailbox busy, try again later');
          else {
            received.push(parseMail(data.join('\r\n'), envelope));
            reply('250 2.0.0 queued');
          }
          data = undefined;
          envelope = { from: '', to: [] };
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO' || verb === 'HELO') reply('250 sink.test');
        else if (verb === 'MAIL') (envelope.from = /<([^>]*)>/.exec(line)?.[1] ?? '', reply('250 2.1.0 ok'));
        else if (verb === 'RCPT') (envelope.to.push(/<([^>]*)>/.exec(line)?.[1] ?? ''), reply('250 2.1.5 ok'));
        else if (verb === 'DATA') (data = [], reply('354 end with <CRLF>.<CRLF>'));
        else if (verb === 'RSET') (envelope = { from: '', to: [] }, reply('250 2.0.0 ok'));
        else if (verb === 'QUIT') (reply('221 2.0.0 bye'), socket.end());
        else reply('502 5.5.2 not implemented');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    get attempts() {
      return attempts;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
