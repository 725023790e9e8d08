import type { AccessGuard } from '../../platform/http/access.ts';
import { AppError } from '../../platform/http/errors.ts';
import { CUSTOMER_ROUTE_PERMISSIONS } from './permissions.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/**
 * What the owner of a business suspended for an unpaid invoice may still do: pay it (with a new card if need be),
 * and take all of the business's data with them (a whole-business export).
 */
const LOGOUT = new Set(['/api/v1/auth/logout']);
const WRITABLE_WHILE_SUSPENDED = new Set(['/api/v1/auth/logout', '/api/v1/billing/invoices/:id/pay', '/api/v1/billing/payment-method', '/api/v1/business/exports']);

/**
 * Identity's access guards, run by the server for every request with a credential, before
 * validation and the route's declared access (`platform/http/server.ts`, order in
 * docs/architecture.md):
 * - a read-only credential (a support impersonation, or staff of a suspended business) changes
 *   nothing but may sign out;
 * - customer credentials pass routes that declare a permission (the business's API) only for the
 *   permissions the customer role holds without conditions (the catalogue reads): a customer's
 *   permissions hold for their own bookings and profile only, which no route-level check can see;
 * - an admin of a business that requires two-factor authentication reaches permission routes only
 *   after enrolling one.
 */
export const identityAccessGuard: AccessGuard = (caller, { method, route, access }) => {
  const suspended = caller.attributes.readOnlyReason === 'tenant_inactive';
  if (caller.attributes.readOnly === true && !SAFE_METHODS.has(method) && !(suspended ? WRITABLE_WHILE_SUSPENDED : LOGOUT).has(route)) {
    if (suspended) {
      throw new AppError('TENANT_SUSPENDED', 'This business is suspended: its data can be read and exported, not changed');
    }
    throw new AppError('FORBIDDEN', 'This impersonation session is read-only', { reason: 'read_only_impersonation' });
  }
  const customerCaller = caller.actor.type === 'customer' || caller.role === 'customer';
  if (customerCaller && access !== undefined && 'permission' in access && !CUSTOMER_ROUTE_PERMISSIONS.has(access.permission.join(':'))) {
    throw new AppError('FORBIDDEN', 'Customer accounts manage their own data under /api/v1/me; this endpoint is for the business');
  }
  if (caller.attributes.mfaEnrollmentRequired === true && access !== undefined && 'permission' in access) {
    const who = caller.role.startsWith('platform_') ? 'The platform’s people need' : 'This business requires';
    throw new AppError('FORBIDDEN', `${who} two-factor authentication: enable it with POST /api/v1/auth/mfa/enroll`, {
      mfa_enrollment_required: true,
    });
  }
};
