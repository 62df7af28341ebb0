import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  formatDuration,
  maxAccessDurationInMinutes,
  parseDuration,
  tryParseDuration,
} from '../../shared/domain/duration.js';
import { ValidationError } from '../../shared/domain/errors.js';

/** Asserts that parsing `input` fails with a ValidationError about `field`, and returns it. */
function assertRejected(input: unknown, field = 'body.duration'): ValidationError {
  let caught: unknown;
  assert.throws(
    () => parseDuration(input as string, field),
    (error) => {
      caught = error;
      return true;
    },
  );
  assert.ok(caught instanceof ValidationError, 'expected a ValidationError');
  assert.equal(caught.code, 'validation-failed');
  assert.equal(caught.status, 400);
  assert.equal(caught.fields.length, 1);
  assert.equal(caught.fields[0]?.field, field);
  assert.ok(caught.fields[0]?.message, 'expected a message for the field');
  return caught;
}

describe('duration', () => {
  describe('maxAccessDurationInMinutes', () => {
    it('is 30 days', () => {
      assert.equal(maxAccessDurationInMinutes, 43_200);
    });
  });

  describe('parseDuration', () => {
    const accepted: [input: string, minutes: number, canonical: string][] = [
      ['PT1M', 1, 'PT1M'],
      ['PT30M', 30, 'PT30M'],
      ['PT1H', 60, 'PT1H'],
      ['PT2H', 120, 'PT2H'],
      ['PT1H30M', 90, 'PT1H30M'],
      ['PT90M', 90, 'PT1H30M'],
      ['PT24H', 1_440, 'P1D'],
      ['P1D', 1_440, 'P1D'],
      ['P1DT2H30M', 1_590, 'P1DT2H30M'],
      ['P1DT30M', 1_470, 'P1DT30M'],
      ['P2DT3H', 3_060, 'P2DT3H'],
      ['P1DT0H0M', 1_440, 'P1D'],
      ['P0DT0H1M', 1, 'PT1M'],
      ['PT000060M', 60, 'PT1H'],
      ['P29DT23H59M', 43_199, 'P29DT23H59M'],
      ['P30D', 43_200, 'P30D'],
      ['PT720H', 43_200, 'P30D'],
      ['PT43200M', 43_200, 'P30D'],
    ];

    for (const [input, minutes, canonical] of accepted) {
      it(`reads ${input} as ${minutes} minutes, spelt ${canonical}`, () => {
        assert.deepEqual(parseDuration(input), { text: canonical, durationInMinutes: minutes });
      });
    }

    const rejected: [why: string, input: unknown][] = [
      ['the empty string', ''],
      ['a bare P', 'P'],
      ['a bare PT', 'PT'],
      ['a T with nothing after it', 'P1DT'],
      ['a number without a unit', 'PT5'],
      ['a missing P', 'T1H'],
      ['hours without a T', 'P1H'],
      ['minutes without a T (read as months)', 'P30M'],
      ['a negative part', 'P-1D'],
      ['a negative hour part', 'PT-1H'],
      ['a leading plus sign', '+PT1H'],
      ['a leading minus sign', '-PT1H'],
      ['a signed part', 'P+1D'],
      ['zero minutes', 'PT0M'],
      ['zero days', 'P0D'],
      ['zero in every part', 'P0DT0H0M'],
      ['years', 'P1Y'],
      ['months', 'P1M'],
      ['weeks', 'P1W'],
      ['seconds', 'PT30S'],
      ['seconds after minutes', 'PT1H30M15S'],
      ['a decimal point', 'PT1.5H'],
      ['a decimal comma', 'PT1,5H'],
      ['a repeated hour part', 'PT1H1H'],
      ['minutes before hours', 'PT1M1H'],
      ['a repeated day part', 'P1D1D'],
      ['a repeated T', 'PT1HT1M'],
      ['lower case', 'pt1h'],
      ['a lower-case designator', 'PT1h'],
      ['a lower-case P', 'p1D'],
      ['leading white space', ' PT1H'],
      ['trailing white space', 'PT1H '],
      ['inner white space', 'PT 1H'],
      ['white space between date and time', 'P1D T1H'],
      ['a trailing newline', 'PT1H\n'],
      ['a leading tab', '\tPT1H'],
      ['a no-break space', 'PT1H\u00a0'],
      ['a NUL character', 'PT1H\u0000'],
      ['non-ASCII digits', 'PT\u0661H'],
      ['full-width digits', 'PT\uff11H'],
      ['seven digits in one part', 'PT1000000M'],
      ['seven digits that are small in value', 'P0000001D'],
      ['one minute above the bound', 'P30DT1M'],
      ['31 days', 'P31D'],
      ['too many hours', 'PT721H'],
      ['too many minutes', 'PT43201M'],
      ['the largest value every part allows', 'P999999DT999999H999999M'],
      ['a value that overflows a double', 'PT99999999999999999999H'],
      ['a value just above 2^53', 'P9007199254740993D'],
      ['33 characters of leading zeros', `PT${'0'.repeat(30)}1H`],
      ['10 kB of text', 'P'.repeat(10_240)],
      ['a number', 60],
      ['null', null],
      ['undefined', undefined],
      ['an object', { text: 'PT1H' }],
      ['an array holding a valid duration', ['PT1H']],
      ['a String object', new String('PT1H')],
    ];

    for (const [why, input] of rejected) {
      it(`rejects ${why}`, () => {
        assertRejected(input);
      });
    }

    it('names the field "duration" when no field is given', () => {
      assert.throws(
        () => parseDuration('P1W'),
        (error) => error instanceof ValidationError && error.fields[0]?.field === 'duration',
      );
    });

    it('says what form is expected when the text is malformed', () => {
      const error = assertRejected('PT1.5H');
      assert.match(error.fields[0]?.message ?? '', /days, hours and minutes/);
    });

    it('says the window must be at least a minute when it is zero', () => {
      const error = assertRejected('PT0M');
      assert.match(error.fields[0]?.message ?? '', /at least one minute/);
    });

    it('names the bound when the window is too long', () => {
      const error = assertRejected('P31D');
      assert.match(error.fields[0]?.message ?? '', /at most P30D/);
    });

    it('says the text is too long when it is over 32 characters', () => {
      const error = assertRejected(`PT${'0'.repeat(30)}1H`);
      assert.match(error.fields[0]?.message ?? '', /longer than 32 characters/);
    });

    it('does not echo the rejected text back', () => {
      const hostile = `<script>${'x'.repeat(40)}`;
      const error = assertRejected(hostile);
      assert.ok(!error.message.includes('<script>'));
      assert.ok(!error.fields[0]?.message.includes('<script>'));
    });
  });

  describe('tryParseDuration', () => {
    it('returns the duration when the text is one', () => {
      assert.deepEqual(tryParseDuration('PT90M'), { text: 'PT1H30M', durationInMinutes: 90 });
    });

    it('returns undefined when the text is malformed', () => {
      assert.equal(tryParseDuration('PT1H1H'), undefined);
    });

    it('returns undefined when the window is above the bound', () => {
      assert.equal(tryParseDuration('P31D'), undefined);
    });

    it('returns undefined when the input is not a string', () => {
      assert.equal(tryParseDuration(42 as unknown as string), undefined);
    });
  });

  describe('formatDuration', () => {
    const spellings: [minutes: number, canonical: string][] = [
      [1, 'PT1M'],
      [59, 'PT59M'],
      [60, 'PT1H'],
      [61, 'PT1H1M'],
      [1_439, 'PT23H59M'],
      [1_440, 'P1D'],
      [1_441, 'P1DT1M'],
      [1_500, 'P1DT1H'],
      [1_590, 'P1DT2H30M'],
      [43_200, 'P30D'],
    ];

    for (const [minutes, canonical] of spellings) {
      it(`spells ${minutes} minutes as ${canonical}`, () => {
        assert.equal(formatDuration(minutes), canonical);
      });
    }

    it('spells every allowed length so that parsing gives it back', () => {
      for (let minutes = 1; minutes <= maxAccessDurationInMinutes; minutes++) {
        const text = formatDuration(minutes);
        assert.deepEqual(parseDuration(text), { text, durationInMinutes: minutes });
      }
    });

    for (const minutes of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53]) {
      it(`refuses ${minutes} minutes`, () => {
        assert.throws(() => formatDuration(minutes), RangeError);
      });
    }
  });
});
