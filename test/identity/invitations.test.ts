/**
 * Pending invitations: listed for the business that sent them, sent again with a fresh link (the old one stops
 * working), taken back (the link stops working at once); audited; invisible and untouchable from another business
 * or a member without the right.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createUserWithRole, lastCapturedMessage, signupTenant, startTestApp, testPassword, type TenantOwner, type TestApp } from '../support/factories.ts';
import { httpClient } from '../support/http.ts';

interface Pending {
  id: string;
  email: string;
  role: string;
  custom_role_id: string | null;
  invited_by: string | null;
  expires_at: string;
}

let t: TestApp;
let owner: TenantOwner;
let other: TenantOwner;
const call = httpClient(() => t.server);

async function invite(email: string, role = 'receptionist'): Promise<string> {
  const invited = await call<{ id: string }>('POST', '/api/v1/users/invitations', { headers: owner.headers, body: { email, role } });
  expect(invited.status, invited.text).toBe(201);
  return invited.body.data.id;
}

const accept = (token: string) => call('POST', '/api/v1/users/invitations/accept', { body: { token, password: testPassword() } });

beforeAll(async () => {
  t = await startTestApp();
  owner = await signupTenant(t);
  other = await signupTenant(t);
});
afterAll(async () => t.close());

describe('pending invitations', () => {
  test('are listed newest first with role and sender; an accepted one leaves the list', async () => {
    const first = await invite('rita@example.test', 'receptionist');
    const second = await invite('marco@example.test', 'manager');
    const listed = await call<Pending[]>('GET', '/api/v1/users/invitations', { headers: owner.headers });
    expect(listed.status, listed.text).toBe(200);
    expect(listed.body.data.map((invitation) => [invitation.id, invitation.email, invitation.role, invitation.invited_by])).toEqual([
      [second, 'marco@example.test', 'manager', owner.userId],
      [first, 'rita@example.test', 'receptionist', owner.userId],
    ]);
    const { token } = await lastCapturedMessage(t, 'rita@example.test', 'invitation');
    expect((await accept(token)).status).toBe(200);
    const after = await call<Pending[]>('GET', '/api/v1/users/invitations', { headers: owner.headers });
    expect(after.body.data.map((invitation) => invitation.id)).toEqual([second]);
  });

  test('sent again: a new e-mail with a fresh link for seven more days, and the first link no longer works', async () => {
    const id = await invite('sara@example.test');
    const { token: oldToken } = await lastCapturedMessage(t, 'sara@example.test', 'invitation');
    const resent = await call<{ id: string; email: string; expires_at: string }>('POST', `/api/v1/users/invitations/${id}/resend`, { headers: owner.headers });
    expect(resent.status, resent.text).toBe(200);
    expect(resent.body.data).toMatchObject({ id, email: 'sara@example.test' });
    expect(new Date(resent.body.data.expires_at).getTime()).toBeGreaterThan(Date.now() + 6.9 * 86_400_000);
    const { token: newToken } = await lastCapturedMessage(t, 'sara@example.test', 'invitation');
    expect(newToken).not.toBe(oldToken);
    expect((await accept(oldToken)).status).toBe(400);
    expect((await accept(newToken)).status).toBe(200);
  });

  test('taken back: the link stops working, and the business log says who did it', async () => {
    const id = await invite('tomas@example.test');
    const { token } = await lastCapturedMessage(t, 'tomas@example.test', 'invitation');
    const revoked = await call('DELETE', `/api/v1/users/invitations/${id}`, { headers: owner.headers });
    expect(revoked.status, revoked.text).toBe(204);
    expect((await accept(token)).status).toBe(400);
    expect((await call('DELETE', `/api/v1/users/invitations/${id}`, { headers: owner.headers })).status).toBe(404);
    const log = await call<Array<{ action: string; actor: { user_id: string } }>>('GET', `/api/v1/audit-logs?entity_id=${id}`, { headers: owner.headers });
    expect(log.body.data.map((entry) => [entry.action, entry.actor.user_id])).toEqual([
      ['user.invitation_revoked', owner.userId],
      ['user.invited', owner.userId],
    ]);
  });

  test('another business sees none and touches none; a receptionist may not send or take back', async () => {
    const id = await invite('ursula@example.test');
    const theirs = await call<Pending[]>('GET', '/api/v1/users/invitations', { headers: other.headers });
    expect(theirs.body.data.map((invitation) => invitation.id)).not.toContain(id);
    expect((await call('POST', `/api/v1/users/invitations/${id}/resend`, { headers: other.headers })).status).toBe(404);
    expect((await call('DELETE', `/api/v1/users/invitations/${id}`, { headers: other.headers })).status).toBe(404);
    const receptionist = await createUserWithRole(t, owner, 'receptionist');
    expect((await call('GET', '/api/v1/users/invitations', { headers: receptionist.headers })).status).toBe(403);
    expect((await call('DELETE', `/api/v1/users/invitations/${id}`, { headers: receptionist.headers })).status).toBe(403);
    const still = await call<Pending[]>('GET', '/api/v1/users/invitations', { headers: owner.headers });
    expect(still.body.data.map((invitation) => invitation.id)).toContain(id);
    expect((await call('POST', '/api/v1/users/invitations/not-a-uuid/resend', { headers: owner.headers })).status).toBe(400);
  });
});
