// The state every request carries, set by the middleware in app.ts.
import type { ParameterizedContext, Middleware } from 'koa';
import type { Logger } from 'pino';
import type { Locale } from './i18n.ts';

export interface AppState {
  requestId: string;
  locale: Locale;
  log: Logger;
  // Extra CSP form-action sources for this page (the client's redirect origin).
  formActions: string[];
  // The route label for metrics, set by routers; defaults to "other".
  route?: string;
}

export type AppContext = ParameterizedContext<AppState>;
export type AppMiddleware = Middleware<AppState>;
