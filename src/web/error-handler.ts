// One error handler: AppErrors become their status with a translated message, a lost
// database becomes 503, anything else 500 without details. HTML for browsers, JSON else.
import { AppError, isDatabaseUnavailable } from '../errors.ts';
import type { AppContext, AppMiddleware } from './context.ts';
import { renderPage } from './render.ts';
import { translate } from './i18n.ts';

function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (isDatabaseUnavailable(err)) return new AppError('service_unavailable', { cause: err });
  const status = (err as { status?: unknown; expose?: unknown } | null)?.status;
  if (status === 413) return new AppError('payload_too_large', { cause: err });
  if (status === 415) return new AppError('unsupported_media_type', { cause: err });
  if (typeof status === 'number' && status >= 400 && status < 500) return new AppError(status === 404 ? 'not_found' : 'bad_request', { cause: err });
  return new AppError('internal', { cause: err });
}

export function respondWithError(ctx: AppContext, error: AppError): void {
  ctx.status = error.status;
  if (error.code === 'service_unavailable') ctx.set('Retry-After', '30');
  const message = translate(ctx.state.locale, `errors.${error.code}`);
  if (ctx.accepts('json', 'html') === 'html') {
    renderPage(ctx, 'errors/error', { message, requestId: ctx.state.requestId });
  } else {
    ctx.body = { error: error.code, error_description: error.detail ?? message, request_id: ctx.state.requestId };
  }
}

export function errorHandler(): AppMiddleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) respondWithError(ctx, new AppError('not_found'));
    } catch (err) {
      const error = toAppError(err);
      if (error.status >= 500) ctx.state.log.error({ err: error.cause ?? error }, 'request failed');
      respondWithError(ctx, error);
    }
  };
}
