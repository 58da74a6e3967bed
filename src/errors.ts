// One error type. Its code is also its message key in locales/ (`errors.<code>`), so a
// mistyped code fails the type check and a missing translation fails the locale test.
export const errorStatus = {
  bad_request: 400,
  invalid_form: 400,
  csrf_failed: 403,
  signin_failed: 401,
  invalid_token: 401,
  code_failed: 401,
  passkey_failed: 401,
  passkey_not_added: 400,
  forbidden: 403,
  registration_not_matched: 422,
  application_exists: 409,
  application_expired: 410,
  application_closed: 409,
  activation_failed: 401,
  account_state: 409,
  approval_required: 409,
  insufficient_scope: 403,
  conflict: 409,
  invalid_client_metadata: 400,
  certificate_exists: 409,
  certificate_revoked: 403,
  hash_not_approved: 403,
  csr_invalid: 400,
  rate_limited: 429,
  not_found: 404,
  interaction_expired: 400,
  payload_too_large: 413,
  unsupported_media_type: 415,
  service_unavailable: 503,
  signing_unavailable: 503,
  internal: 500,
} as const;

export type ErrorCode = keyof typeof errorStatus;

export class AppError extends Error {
  override name = 'AppError';
  readonly code: ErrorCode;
  readonly status: number;
  // Field-level problems for forms: field name → message key.
  readonly fields: Readonly<Record<string, string>>;
  // For API callers: what exactly was wrong, naming the field or line ("record.birthDate:
  // is not a real date"). Never shown on pages, never personal data.
  readonly detail: string | undefined;

  constructor(code: ErrorCode, options: { message?: string; fields?: Record<string, string>; cause?: unknown } = {}) {
    super(options.message ?? code, { cause: options.cause });
    this.code = code;
    this.status = errorStatus[code];
    this.fields = options.fields ?? {};
    this.detail = options.message;
  }
}

// A lost or refused database connection: the user gets a clean 503, not a crash.
export function isDatabaseUnavailable(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08006'].includes(code)
  ) || /Connection terminated|connection (is )?closed|Client has encountered a connection error|timeout exceeded when trying to connect/i.test(String((err as Error | null)?.message ?? ''));
}
