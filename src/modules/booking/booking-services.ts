import type { BookingActionsService } from './booking-actions.service.ts';
import type { BookingCreateService } from './booking-create.service.ts';
import type { BookingManageService } from './booking-manage.service.ts';
import type { BookingQueryService } from './booking-query.service.ts';
import type { BookingResizeService } from './booking-resize.service.ts';
import type { VerificationService } from './verification.service.ts';
import type { WaitlistService } from './waitlist.service.ts';

/** The booking module's use cases, as the routes see them. */
export interface BookingServices {
  create: BookingCreateService;
  actions: BookingActionsService;
  resize: BookingResizeService;
  query: BookingQueryService;
  manage: BookingManageService;
  verification: VerificationService;
  waitlist: WaitlistService;
}
