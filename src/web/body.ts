// Reads a urlencoded form body, capped in size. Anything else is refused before parsing.
import { AppError } from '../errors.ts';
import type { AppContext } from './context.ts';

export async function readForm(ctx: AppContext, maxBytes: number): Promise<URLSearchParams> {
  if (!ctx.is('application/x-www-form-urlencoded')) throw new AppError('unsupported_media_type');
  const declared = Number(ctx.get('Content-Length') || 0);
  if (declared > maxBytes) throw new AppError('payload_too_large');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw new AppError('payload_too_large');
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

// Refuses a declared body over the cap before anything reads it, on every route,
// the provider's included (it has its own, smaller parser limits as well).
export function capBodySize(maxBytes: number) {
  return async (ctx: AppContext, next: () => Promise<unknown>) => {
    if (Number(ctx.get('Content-Length') || 0) > maxBytes) throw new AppError('payload_too_large');
    await next();
  };
}
