import { standardPorts } from './embeddedDefault.js';
import { estateIds } from './seed.js';

/**
 * `npm run demo`: walks the whole lifecycle against a running `npm start` and checks every step.
 * Exits non-zero as soon as a step does not hold.
 */
const api = `http://localhost:${standardPorts.functions}/api`;
const azure = `https://localhost:${standardPorts.azure}`;

class StepFailed extends Error {}

async function call(url: string, init: RequestInit & { token?: string } = {}): Promise<unknown> {
  const headers = new Headers(init.headers);
  if (init.token) {
    headers.set('authorization', `Bearer ${init.token}`);
  }
  if (init.body) {
    headers.set('content-type', 'application/json');
  }
  const response = await fetch(url, { ...init, headers });
  const text = await response.text();
  if (!response.ok) {
    throw new StepFailed(`${init.method ?? 'GET'} ${url} answered ${response.status}: ${text}`);
  }
  return text ? JSON.parse(text) : undefined;
}

async function tokenFor(user: string): Promise<string> {
  const answer = (await call(`${azure}/_emulator/tokens`, {
    method: 'POST',
    body: JSON.stringify({ user }),
  })) as { access_token: string };
  return answer.access_token;
}

async function waitFor<T>(what: string, timeoutInMs: number, probe: () => Promise<T | undefined>) {
  const started = Date.now();
  while (Date.now() < started + timeoutInMs) {
    const value = await probe();
    if (value !== undefined) {
      process.stdout.write('\n');
      return value;
    }
    const waited = Math.round((Date.now() - started) / 1000);
    process.stdout.write(`\r  … waiting for ${what} (${waited} s)`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  throw new StepFailed(`Timed out waiting for ${what}.`);
}

function step(message: string): void {
  console.log(`\n▶ ${message}`);
}

function check(condition: boolean, message: string): void {
  if (!condition) {
    throw new StepFailed(message);
  }
  console.log(`  ✓ ${message}`);
}

type RequestView = { id: string; status: string; expiresAt?: string; link?: string };

async function main(): Promise<void> {
  step(`Checking that the broker is up at ${api}`);
  await call(`${api}/health`).catch(() => {
    throw new StepFailed('The broker is not running: start it with `npm start` first.');
  });
  const [alice, carol, erin] = await Promise.all(['alice', 'carol', 'erin'].map(tokenFor));
  check(true, 'tokens issued for alice (requester), carol (approver), erin (auditor)');

  step('alice asks for a one-minute shareable link to the Linux VM');
  const created = (await call(`${api}/requests`, {
    method: 'POST',
    token: alice,
    body: JSON.stringify({
      vmId: estateIds.linuxVm,
      access: 'link',
      protocol: 'ssh',
      duration: 'PT1M',
      justification: 'Demo: look at the nightly job logs',
    }),
  })) as RequestView;
  check(created.status === 'pending', `request ${created.id} is pending`);
  const requestUrl = `${api}/requests/${created.id}`;

  step('carol approves');
  const approved = (await call(`${requestUrl}/approve`, {
    method: 'POST',
    token: carol,
    body: JSON.stringify({ comment: 'Go ahead' }),
  })) as RequestView;
  check(approved.status === 'approved', 'the request is approved');

  step('The broker issues the link through ARM; alice reads it');
  const active = await waitFor('the grant to go live', 30_000, async () => {
    const view = (await call(requestUrl, { token: alice })) as RequestView;
    return view.status === 'active' && view.link ? view : undefined;
  });
  check(Boolean(active.link), `active until ${active.expiresAt}; link: ${active.link}`);
  const carolsView = (await call(requestUrl, { token: carol })) as RequestView;
  check(carolsView.link === undefined, 'the approver does not see the link');

  step('Someone opens a Bastion session through the link');
  await call(`${azure}/_emulator/sessions`, {
    method: 'POST',
    body: JSON.stringify({
      vmId: estateIds.linuxVm,
      userName: 'azureuser',
      protocol: 'SSH',
      via: 'link',
    }),
  });
  const sessions = (await call(`${azure}/_emulator/sessions`)) as unknown[];
  check(sessions.length > 0, `${sessions.length} live session(s) on the Bastion host`);

  step('Waiting for the one-minute window to end (about a minute)');
  const ended = await waitFor('the grant to expire', 120_000, async () => {
    const view = (await call(requestUrl, { token: alice })) as RequestView;
    return view.status === 'expired' ? view : undefined;
  });
  check(ended.link === undefined, 'the request is expired and no longer shows a link');
  const links = (await call(`${azure}/_emulator/links`)) as { vmId: string }[];
  const vmKey = estateIds.linuxVm.toLowerCase();
  check(!links.some((link) => link.vmId.toLowerCase() === vmKey), 'Bastion has no link for the VM');
  const left = (await call(`${azure}/_emulator/sessions`)) as { vmId: string }[];
  check(
    !left.some((session) => session.vmId.toLowerCase() === vmKey),
    'the session was disconnected',
  );

  step('erin (auditor) reads the audit trail of the request');
  const trail = (await call(`${api}/audit?requestId=${created.id}`, { token: erin })) as {
    items: { time: string; action: string; actorId: string; message: string }[];
  };
  for (const record of trail.items) {
    console.log(`  ${record.time}  ${record.action.padEnd(26)} ${record.message}`);
  }
  const actions = new Set(trail.items.map((record) => record.action));
  for (const expected of ['request.created', 'request.approved', 'grant.issued', 'grant.expired']) {
    check(actions.has(expected), `the trail records ${expected}`);
  }
  check(actions.has('sessions.disconnected'), 'the trail records sessions.disconnected');
  console.log('\nThe whole lifecycle held.');
}

main().catch((caught: unknown) => {
  console.error(`\n✗ ${caught instanceof Error ? caught.message : String(caught)}`);
  process.exit(1);
});
