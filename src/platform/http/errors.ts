/**
 * Stable error codes and the one table that maps them to HTTP statuses.
 * Clients branch on `code`; the message is for people.
 */
export const ERROR_STATUS = {
  VALIDATION_ERROR: 400,
  INVALID_JSON: 400,
  INVALID_CODE: 400,
  INVALID_CURSOR: 400,
  REFUND_EXCEEDS_PAYMENT: 400,
  RETURN_URL_NOT_ALLOWED: 400,
  INVALID_SIGNATURE: 400,
  /** An availability request whose days × resources × slot positions pass the bound of one request. */
  AVAILABILITY_RANGE_TOO_LARGE: 400,
  UNAUTHENTICATED: 401,
  MFA_REQUIRED: 401,
  PAYMENT_FAILED: 402,
  PLAN_LIMIT_REACHED: 402,
  FORBIDDEN: 403,
  /** Granting a role or permission beyond the caller's own, an owner-level grant by a non-owner, or changing one's own role. */
  ROLE_ESCALATION: 403,
  PAYMENT_NOT_ALLOWED: 403,
  VERIFICATION_REQUIRED: 403,
  TENANT_SUSPENDED: 403,
  CUSTOMER_BANNED: 403,
  /** A free or trial business changing a one-time-code message template. */
  TEMPLATE_LOCKED: 403,
  NOT_FOUND: 404,
  TENANT_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  /** A signed link past its expiry (the sandbox's onboarding page); the page offers a fresh one. */
  LINK_EXPIRED: 410,
  SLOT_UNAVAILABLE: 409,
  INVALID_TRANSITION: 409,
  IDEMPOTENCY_CONFLICT: 409,
  CONFLICT: 409,
  /** A desk payment above what the booking still owes. */
  PAYMENT_EXCEEDS_BALANCE: 409,
  /** A desk payment for a booking that takes none in its status (cancelled, expired, awaiting its online payment). */
  BOOKING_NOT_PAYABLE: 409,
  /** A block of a resource's time over a booking (or another block) already there. */
  BLOCK_OVERLAPS_BOOKING: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  IDEMPOTENCY_KEY_REUSED: 422,
  POLICY_VIOLATION: 422,
  /** The hosted payment page's card form: unreadable, expired, or not one of the sandbox's test cards. */
  CARD_NOT_ACCEPTED: 422,
  /** A one-time code by SMS to a country the business does not send to. */
  SMS_COUNTRY_NOT_ALLOWED: 422,
  /** A custom domain that is not a host name, is an IP address, or belongs to the platform itself. */
  DOMAIN_NOT_ALLOWED: 422,
  /** A Web Push endpoint that is not https or resolves to a private, loopback or reserved address (`details.reason`). */
  PUSH_ENDPOINT_REFUSED: 422,
  /** A coupon past its redemption date, or archived by the platform. */
  COUPON_EXPIRED: 422,
  /** A coupon redeemed as many times as the platform allowed. */
  COUPON_EXHAUSTED: 422,
  /** A member's or invitation's location that is not one of the business's locations. */
  UNKNOWN_LOCATION: 422,
  /** A coupon for other plans (or an amount off in another currency than the plan's). */
  COUPON_NOT_FOR_PLAN: 422,
  /** Another coupon still runs on the subscription. */
  COUPON_ALREADY_ACTIVE: 409,
  RATE_LIMITED: 429,
  /** A send budget of the one-time-code endpoints (per destination, IP or business); with Retry-After. */
  TOO_MANY_CODES: 429,
  /** Too many active upcoming public bookings from one client address or for one guest contact. */
  PUBLIC_BOOKING_LIMIT: 429,
  INTERNAL_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
  MAINTENANCE: 503,
  /** The business cannot take payments yet (no connected payment account able to take charges). */
  PAYMENTS_NOT_CONFIGURED: 409,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** The one error type business code throws; the HTTP layer turns it into the envelope. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;
  readonly headers: Record<string, string>;

  constructor(code: ErrorCode, message: string, details?: unknown, headers: Record<string, string> = {}) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
    this.headers = headers;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export const notFound = (what = 'Resource'): AppError => new AppError('NOT_FOUND', `${what} not found`);

export const forbidden = (message = 'You do not have permission to do this'): AppError =>
  new AppError('FORBIDDEN', message);

export interface FieldIssue {
  field: string;
  message: string;
  code?: string;
}

export const validationError = (issues: FieldIssue[], message = 'The request is not valid'): AppError =>
  new AppError('VALIDATION_ERROR', message, issues);
