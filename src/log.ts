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
