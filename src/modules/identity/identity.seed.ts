import type { Trx } from '../../platform/db/database.ts';
import type { MembershipRole } from './identity.tables.ts';
import { hashPassword } from './passwords.ts';
import { insertCredentials, insertMembership, insertUser, markEmailVerified } from './users.repository.ts';

export interface DemoMember {
  email: string;
  firstName: string;
  lastName: string;
  role: MembershipRole;
}

/**
 * The demo business's team (the demo seed): each member a verified user with the
 * one demo password and a membership of the tenant, in the caller's transaction.
 * Returns the user ids in the order given.
 */
export async function seedDemoMembers(trx: Trx, tenantId: string, password: string, members: readonly DemoMember[]): Promise<string[]> {
  const passwordHash = await hashPassword(password);
  const ids: string[] = [];
  for (const member of members) {
    const user = await insertUser(trx, { email: member.email, firstName: member.firstName, lastName: member.lastName });
    await insertCredentials(trx, user.id, passwordHash);
    await markEmailVerified(trx, user.id);
    await insertMembership(trx, { tenantId, userId: user.id, role: member.role, customRoleId: null });
    ids.push(user.id);
  }
  return ids;
}
