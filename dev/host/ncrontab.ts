/**
 * The six-field NCRONTAB schedules of Functions timer triggers (`sec min hour day month weekday`),
 * with `*`, `*\/n`, numbers and comma lists: enough for the broker's own schedules.
 */
export interface Schedule {
  /** The first instant strictly after `after` that the schedule fires at (UTC). */
  next(after: Date): Date;
}

/** Parses a schedule; throws on anything it does not support. */
export function parseSchedule(expression: string): Schedule {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 6) {
    throw new Error(`Schedule "${expression}" must have six fields.`);
  }
  const matchers = fields.map(parseField);
  return {
    next(after) {
      const candidate = new Date(Math.floor(after.getTime() / 1000) * 1000 + 1000);
      for (let step = 0; step < 8 * 24 * 3600; step++) {
        const parts = [
          candidate.getUTCSeconds(),
          candidate.getUTCMinutes(),
          candidate.getUTCHours(),
          candidate.getUTCDate(),
          candidate.getUTCMonth() + 1,
          candidate.getUTCDay(),
        ];
        if (parts.every((value, index) => matchers[index]?.(value))) {
          return candidate;
        }
        candidate.setTime(candidate.getTime() + 1000);
      }
      throw new Error(`Schedule "${expression}" never fires within a week.`);
    },
  };
}

function parseField(field: string): (value: number) => boolean {
  if (field === '*') {
    return () => true;
  }
  const every = /^\*\/(\d+)$/.exec(field);
  if (every) {
    const step = Number(every[1]);
    return (value) => value % step === 0;
  }
  if (/^\d+(,\d+)*$/.test(field)) {
    const values = new Set(field.split(',').map(Number));
    return (value) => values.has(value);
  }
  throw new Error(`Unsupported schedule field "${field}".`);
}
