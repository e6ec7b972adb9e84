/**
 * The relay's structured logger (pino). Logs carry no ciphertext, keys, tokens or usernames:
 * request logs are written by the app itself with the route pattern (`/v1/usernames/:name`,
 * never the URL), method, status and latency only; framework request logging is off; and the
 * redaction below drops authorization headers, tokens and bodies should anything pass them.
 *
 * @module
 */
import { type Logger, pino } from 'pino';

/** Paths pino removes from every log line. */
export const REDACT_PATHS: readonly string[] = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.url',
  'req.query',
  'req.body',
  'headers.authorization',
  'authorization',
  'token',
  'body',
  'query',
  'url',
  'ciphertext',
  'username',
  '*.token',
  '*.body',
  '*.ciphertext',
  '*.username',
];

/**
 * A pino logger with the relay's redaction, at `level` (`silent` for tests).
 * @param destination Where lines go (defaults to stdout).
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const options = {
    level,
    redact: { paths: [...REDACT_PATHS], remove: true },
    base: { service: 'sigil-relay' },
  };
  return destination === undefined ? pino(options) : pino(options, destination);
}
