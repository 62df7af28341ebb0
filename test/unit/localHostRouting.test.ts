import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSchedule } from '../../dev/host/ncrontab.js';
import { compileRoute } from '../../dev/host/routeTemplate.js';

describe('routeTemplate', () => {
  describe('match', () => {
    it('binds parameters and compares literal segments case-insensitively', () => {
      const route = compileRoute('requests/{id}/approve');
      assert.deepEqual(route.match('Requests/abc/APPROVE'), { id: 'abc' });
      assert.equal(route.match('requests/abc'), undefined);
      assert.equal(route.match('requests//approve'), undefined);
      assert.equal(route.match('requests/abc/approve/more'), undefined);
    });
  });
});

describe('ncrontab', () => {
  describe('next', () => {
    it('fires every minute on the minute for the sweep schedule', () => {
      const schedule = parseSchedule('0 */1 * * * *');
      assert.equal(
        schedule.next(new Date('2026-12-03T10:00:30Z')).toISOString(),
        '2026-12-03T10:01:00.000Z',
      );
      assert.equal(
        schedule.next(new Date('2026-12-03T10:01:00Z')).toISOString(),
        '2026-12-03T10:02:00.000Z',
      );
    });

    it('refuses schedules it cannot honour', () => {
      assert.throws(() => parseSchedule('*/5 * * * *'));
      assert.throws(() => parseSchedule('0 1-5 * * * *'));
    });
  });
});
