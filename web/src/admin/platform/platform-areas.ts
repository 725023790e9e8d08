import { can, type Me } from '../session/use-session.ts';

export interface PlatformArea {
  to: string;
  /** The admin namespace's key of its name in the navigation. */
  label: string;
  testId: string;
  /** Whether this person may use it (the server refuses the rest anyway). */
  visible: (me: Me) => boolean;
}

/**
 * The console's screens and who may use them: administrators run the platform (every screen);
 * auditors read and export the compliance records, and nothing else.
 */
export const PLATFORM_AREAS: readonly PlatformArea[] = [
  { to: '/platform', label: 'platform.overview', testId: 'nav-platform-overview', visible: (me) => can(me, 'read', 'Platform') },
  { to: '/platform/tenants', label: 'platform.tenantsTitle', testId: 'nav-platform-tenants', visible: (me) => can(me, 'read', 'Platform') },
  { to: '/platform/plans', label: 'platform.plansNav', testId: 'nav-platform-plans', visible: (me) => can(me, 'manage', 'Platform') },
  { to: '/platform/jobs', label: 'platform.jobs.title', testId: 'nav-platform-jobs', visible: (me) => can(me, 'read', 'Platform') },
  { to: '/platform/audit', label: 'platform.audit.nav', testId: 'nav-platform-audit', visible: (me) => can(me, 'read', 'Compliance') },
  { to: '/platform/privacy', label: 'platform.privacyNav', testId: 'nav-platform-privacy', visible: (me) => can(me, 'read', 'Compliance') },
  { to: '/platform/compliance-report', label: 'platform.reportNav', testId: 'nav-platform-report', visible: (me) => can(me, 'read', 'Compliance') },
];

/** Where the console opens for this person: the first screen they may use (null: none). */
export function platformLanding(me: Me): string | null {
  return PLATFORM_AREAS.find((area) => area.visible(me))?.to ?? null;
}

/** Whether the path belongs to the area (the overview only at its own path; the others with their sub-pages). */
export function isInArea(area: PlatformArea, pathname: string): boolean {
  return area.to === '/platform' ? pathname === '/platform' : pathname.startsWith(area.to);
}
