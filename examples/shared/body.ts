// Request bodies, capped in size: a urlencoded form, or a JSON document.
import type { Context } from 'koa';

const MAX_BYTES = 64 * 1024;

async function readText(ctx: Context): Promise<string> {
  if (Number(ctx.get('content-length') || 0) > MAX_BYTES) ctx.throw(413, 'request body too large');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BYTES) ctx.throw(413, 'request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function readForm(ctx: Context): Promise<URLSearchParams> {
  if (!ctx.is('application/x-www-form-urlencoded')) ctx.throw(415, 'a form is expected');
  return new URLSearchParams(await readText(ctx));
}

export async function readJson(ctx: Context): Promise<unknown> {
  if (!ctx.is('application/json')) ctx.throw(415, 'JSON is expected');
  try {
    return JSON.parse(await readText(ctx)) as unknown;
  } catch {
    return ctx.throw(400, 'the body is not valid JSON');
  }
}
