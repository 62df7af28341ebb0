import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { RequestStatus } from '../../shared/domain/accessRequest.js';
import { isFinal, requestStatuses } from '../../shared/domain/accessRequest.js';
import { ConflictError } from '../../shared/domain/errors.js';
import type { RequestEvent } from '../../shared/domain/requestLifecycle.js';
import {
  canHappen,
  IllegalTransitionError,
  nextStatus,
  requestEvents,
} from '../../shared/domain/requestLifecycle.js';

/** The lifecycle of DESIGN §3, written out here by hand: every pair not listed is illegal. */
const legalTransitions: Record<string, Record<string, string>> = {
  pending: {
    approve: 'pending',
    reachQuorum: 'approved',
    deny: 'denied',
    cancel: 'cancelled',
    timeOut: 'timedOut',
  },
  approved: { issueGrant: 'active', failGrant: 'failed', cancel: 'cancelled' },
  active: { expire: 'expired', revoke: 'revoked' },
};

const expectedStatuses = [
  'pending',
  'approved',
  'active',
  'expired',
  'revoked',
  'denied',
  'cancelled',
  'timedOut',
  'failed',
];

const expectedEvents = [
  'approve',
  'reachQuorum',
  'deny',
  'cancel',
  'timeOut',
  'issueGrant',
  'failGrant',
  'expire',
  'revoke',
];

const expectedFinalStatuses = ['expired', 'revoked', 'denied', 'cancelled', 'timedOut', 'failed'];

function expectedNext(from: RequestStatus, event: RequestEvent): string | undefined {
  return legalTransitions[from]?.[event];
}

describe('requestLifecycle', () => {
  describe('the lists of statuses and events', () => {
    it('holds exactly the statuses of the lifecycle', () => {
      assert.deepEqual([...requestStatuses].sort(), [...expectedStatuses].sort());
    });

    it('holds exactly the events of the lifecycle', () => {
      assert.deepEqual([...requestEvents].sort(), [...expectedEvents].sort());
    });
  });

  describe('nextStatus', () => {
    for (const from of requestStatuses) {
      for (const event of requestEvents) {
        const to = expectedNext(from, event);

        if (to !== undefined) {
          it(`moves a ${from} request to ${to} on ${event}`, () => {
            assert.equal(nextStatus(from, event), to);
          });
          continue;
        }

        it(`refuses ${event} on a ${from} request`, () => {
          assert.throws(
            () => nextStatus(from, event),
            (error) => {
              assert.ok(error instanceof IllegalTransitionError);
              assert.ok(error instanceof ConflictError);
              assert.equal(error.code, 'illegal-transition');
              assert.equal(error.status, 409);
              assert.equal(error.from, from);
              assert.equal(error.event, event);
              return true;
            },
          );
        });
      }
    }

    it('allows exactly ten transitions in all', () => {
      const legalPairs = requestStatuses.flatMap((from) =>
        requestEvents.filter((event) => canHappen(from, event)),
      );

      assert.equal(legalPairs.length, 10);
    });
  });

  describe('canHappen', () => {
    for (const from of requestStatuses) {
      it(`agrees with nextStatus for every event on a ${from} request`, () => {
        for (const event of requestEvents) {
          const legal = expectedNext(from, event) !== undefined;

          assert.equal(canHappen(from, event), legal, `${event} on ${from}`);
          if (legal) {
            assert.doesNotThrow(() => nextStatus(from, event));
          } else {
            assert.throws(() => nextStatus(from, event), IllegalTransitionError);
          }
        }
      });
    }
  });

  describe('isFinal', () => {
    for (const status of requestStatuses) {
      const final = expectedFinalStatuses.includes(status);

      it(`says a ${status} request is ${final ? '' : 'not '}final`, () => {
        assert.equal(isFinal({ status }), final);
      });
    }

    it('allows no event on a final request', () => {
      for (const status of expectedFinalStatuses as RequestStatus[]) {
        assert.deepEqual(
          requestEvents.filter((event) => canHappen(status, event)),
          [],
          status,
        );
      }
    });
  });
});
