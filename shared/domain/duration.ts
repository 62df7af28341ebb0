import { ValidationError } from './errors.js';

/** The longest access window the broker ever grants, whatever a policy says: 30 days. */
export const maxAccessDurationInMinutes = 30 * 24 * 60;

/** An access window: its canonical ISO-8601 spelling and its length. */
export interface AccessDuration {
  /** Canonical ISO-8601 duration, largest units first, zero parts left out, e.g. `P1DT2H30M`. */
  readonly text: string;
  /** Length of the window in whole minutes, at least 1. */
  readonly durationInMinutes: number;
}

const minutesPerHour = 60;
const minutesPerDay = 24 * minutesPerHour;
const maxTextLength = 32;

/**
 * Days, then hours, then minutes, each a whole ASCII number of at most 6 digits, upper case, no
 * sign or white space. `P(?!$)` refuses a bare `P`; `T(?=\d)` refuses a `T` with nothing after it.
 */
const durationPattern = /^P(?!$)(?:(\d{1,6})D)?(?:T(?=\d)(?:(\d{1,6})H)?(?:(\d{1,6})M)?)?$/;

const formatProblem =
  'it must be an ISO-8601 duration of days, hours and minutes in that order, each a whole ' +
  'number of at most 6 digits, such as PT2H, PT90M or P1DT2H30M';

/** What reading a duration gave: the duration, or why the text is not one. */
type Reading = { readonly duration: AccessDuration } | { readonly problem: string };

/**
 * Parses an access window such as `PT2H` or `P1DT30M` (a day counts as 24 hours); throws a
 * ValidationError naming `field` if the text is not one or is longer than the hard bound.
 */
export function parseDuration(text: string, field = 'duration'): AccessDuration {
  const reading = readDuration(text);
  if ('problem' in reading) {
    throw new ValidationError(`Not a valid access duration: ${reading.problem}.`, [
      { field, message: reading.problem },
    ]);
  }
  return reading.duration;
}

/** Parses an access window as {@link parseDuration} does, or returns undefined if it is not one. */
export function tryParseDuration(text: string): AccessDuration | undefined {
  const reading = readDuration(text);
  return 'problem' in reading ? undefined : reading.duration;
}

/** The canonical ISO-8601 spelling of a positive whole number of minutes, e.g. 90 → `PT1H30M`. */
export function formatDuration(durationInMinutes: number): string {
  if (!Number.isSafeInteger(durationInMinutes) || durationInMinutes < 1) {
    throw new RangeError('A duration must be a positive whole number of minutes.');
  }

  const days = Math.floor(durationInMinutes / minutesPerDay);
  const hours = Math.floor((durationInMinutes % minutesPerDay) / minutesPerHour);
  const minutes = durationInMinutes % minutesPerHour;

  const datePart = days > 0 ? `${days}D` : '';
  const timePart = (hours > 0 ? `${hours}H` : '') + (minutes > 0 ? `${minutes}M` : '');
  return `P${datePart}${timePart === '' ? '' : `T${timePart}`}`;
}

function readDuration(text: unknown): Reading {
  if (typeof text !== 'string') {
    return { problem: 'it is not a string' };
  }
  if (text.length > maxTextLength) {
    return { problem: `it is longer than ${maxTextLength} characters` };
  }

  const match = durationPattern.exec(text);
  if (!match) {
    return { problem: formatProblem };
  }

  // At most 6 digits per part keeps every total far below 2^53, so the sum is exact.
  const [, days = '0', hours = '0', minutes = '0'] = match;
  const durationInMinutes =
    Number(days) * minutesPerDay + Number(hours) * minutesPerHour + Number(minutes);

  if (durationInMinutes < 1) {
    return { problem: 'it must be at least one minute long' };
  }
  if (durationInMinutes > maxAccessDurationInMinutes) {
    return { problem: `it must be at most ${formatDuration(maxAccessDurationInMinutes)} long` };
  }
  return { duration: { text: formatDuration(durationInMinutes), durationInMinutes } };
}
