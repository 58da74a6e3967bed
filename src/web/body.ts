// Reads a urlencoded form body, capped in size. Anything else is refused before parsing.
import { AppError } from '../errors.ts';
import type { AppContext } from './context.ts';

// The raw bytes (OCSP requests, signatures and documents to verify), capped.
export async function readBytes(ctx: AppContext, maxBytes: number): Promise<Buffer> {
  const declared = Number(ctx.get('Content-Length') || 0);
  if (declared > maxBytes) throw new AppError('payload_too_large');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw new AppError('payload_too_large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

async function readBody(ctx: AppContext, maxBytes: number): Promise<string> {
  return (await readBytes(ctx, maxBytes)).toString('utf8');
}

export async function readForm(ctx: AppContext, maxBytes: number): Promise<URLSearchParams> {
  if (!ctx.is('application/x-www-form-urlencoded')) throw new AppError('unsupported_media_type');
  return new URLSearchParams(await readBody(ctx, maxBytes));
}

export async function readJson(ctx: AppContext, maxBytes: number): Promise<unknown> {
  if (!ctx.is('application/json')) throw new AppError('unsupported_media_type');
  const text = await readBody(ctx, maxBytes);
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new AppError('bad_request', { message: `body: not valid JSON (${(err as Error).message})`, cause: err });
  }
}

// Refuses a declared body over the cap before anything reads it, on every route,
// the provider's included (it has its own, smaller parser limits as well). A few paths
// take documents and have their own, larger cap (`larger`).
export function capBodySize(maxBytes: number, larger: Readonly<Record<string, number>> = {}) {
  return async (ctx: AppContext, next: () => Promise<unknown>) => {
    const cap = Object.hasOwn(larger, ctx.path) ? larger[ctx.path]! : maxBytes;
    if (Number(ctx.get('Content-Length') || 0) > cap) throw new AppError('payload_too_large');
    await next();
  };
}
