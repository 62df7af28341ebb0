/** Structured facts attached to a log line; never tokens, secrets, links or upstream payloads. */
export type LogFields = Readonly<Record<string, string | number | boolean | undefined>>;

/** An operational logger for one subsystem. Audit evidence goes to the audit trail, not here. */
export interface Logger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/** Where log lines go; replaced by the host (Functions invocation context, tests). */
export type LogSink = (level: 'info' | 'warn' | 'error', line: string) => void;

let sink: LogSink = (level, line) => {
  const write = level === 'error' ? console.error : level === 'warn' ? console.warn : console.log;
  write(line);
};

/** Sends every logger's lines to `next` from now on. */
export function setLogSink(next: LogSink): void {
  sink = next;
}

/** A logger whose lines start with `[subsystem]`. */
export function createLogger(subsystem: string): Logger {
  const write =
    (level: 'info' | 'warn' | 'error') =>
    (message: string, fields?: LogFields): void => {
      const suffix = fields ? ` ${JSON.stringify(fields)}` : '';
      sink(level, `[${subsystem}] ${message}${suffix}`);
    };
  return { info: write('info'), warn: write('warn'), error: write('error') };
}
