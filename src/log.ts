// Logs are JSON lines (pino). Personal data never goes in: national numbers are masked,
// and the redaction list removes secrets that could slip into a logged object.
import { pino, type Logger } from 'pino';

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'hawiya' },
    redact: {
      paths: ['password', '*.password', 'client_secret', '*.client_secret', 'req.headers.authorization', 'req.headers.cookie', 'headers.authorization', 'headers.cookie'],
      censor: '[redacted]',
    },
  });
}

// Keeps the last 3 digits of a national number: enough to tell records apart in a log,
// not enough to find the person.
export function maskNationalNumber(value: string): string {
  return value.length <= 3 ? '***' : `${'*'.repeat(value.length - 3)}${value.slice(-3)}`;
}
