/** Log levels in increasing severity. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const ORDER: Record<LogLevel | 'silent', number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

/** One structured log record. */
export interface LogRecord {
  level: LogLevel;
  msg: string;
  time: string;
  [field: string]: unknown;
}

/** A structured logger: one JSON object per line, fields carried by children. */
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /** A logger that adds `fields` to every record. */
  child(fields: Record<string, unknown>): Logger;
}

/** Options for {@link createLogger}. */
export interface LoggerOptions {
  /** Minimum level written. Default: `POLYFAAS_LOG_LEVEL` or `info`. */
  level?: LogLevel | 'silent';
  /** Where records go. Default: one JSON line on stderr. */
  sink?: (record: LogRecord) => void;
  /** Fields on every record. */
  fields?: Record<string, unknown>;
}

/**
 * Create a structured logger. Errors in fields are serialised with their code
 * and message (never their stack unless the level is `debug`).
 *
 * @example
 * ```ts
 * const log = createLogger({ fields: { fn: 'train' } });
 * log.info('epoch done', { epoch: 3, loss: 0.31 });
 * ```
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const envLevel = process.env.POLYFAAS_LOG_LEVEL as LogLevel | 'silent' | undefined;
  const level = options.level ?? (envLevel && envLevel in ORDER ? envLevel : 'info');
  const sink = options.sink ?? ((record) => process.stderr.write(`${JSON.stringify(record)}\n`));
  return makeLogger(ORDER[level], sink, options.fields ?? {});
}

// Closures, not prototype methods: `const { info } = log` and `items.forEach(log.debug)` must keep working.
function makeLogger(min: number, sink: (r: LogRecord) => void, base: Record<string, unknown>): Logger {
  const write = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => {
    if (ORDER[level] < min) return;
    const record: LogRecord = { level, msg, time: new Date().toISOString(), ...base };
    for (const [k, v] of Object.entries(fields ?? {})) record[k] = serialise(v, min <= ORDER.debug);
    sink(record);
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
    child: (fields) => makeLogger(min, sink, { ...base, ...fields }),
  };
}

function serialise(value: unknown, withStack: boolean): unknown {
  if (!(value instanceof Error)) return value;
  const code = (value as { code?: unknown }).code;
  return { name: value.name, message: value.message, ...(code ? { code } : {}), ...(withStack ? { stack: value.stack } : {}) };
}
