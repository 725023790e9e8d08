import { Alert, Box, Burger, Button, Group, Menu, NavLink, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'react-router';
import { isInArea, PLATFORM_AREAS } from '../platform/platform-areas.ts';
import { can, isPlatformPerson, useLogout, useSwitchBusiness, type Me } from '../session/use-session.ts';
import { session } from '../session/session.ts';
import { errorText } from '../ui/error-text.ts';
import { useBilling } from '../billing/use-billing.ts';
import { AddBusinessModal } from '../settings/business-add.tsx';
import classes from './admin-shell.module.css';
import { LanguageSwitch } from './language-switch.tsx';

/**
 * The business switcher: when the person works for more than one business, or may open another
 * (an owner signed in as themselves: "Add a business").
 */
function BusinessSwitcher({ me }: { me: Me }) {
  const { t } = useTranslation('admin');
  const switching = useSwitchBusiness();
  const [adding, { open, close }] = useDisclosure();
  const mayAdd = me.actor.type === 'user' && me.impersonated_by === null && can(me, 'update', 'Tenant');
  if (me.memberships.length < 2 && !mayAdd) return null;
  return (
    <>
      <Menu position="bottom-end">
        <Menu.Target>
          <Button variant="default" size="xs" data-testid="switch-business">
            {t('shell.switchBusiness')}
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          {me.memberships.map((membership) => (
            <Menu.Item
              key={membership.tenant_id}
              disabled={membership.tenant_id === me.tenant?.id}
              onClick={() => switching.mutate(membership.tenant_id, { onError: (error) => notifications.show({ color: 'red', message: errorText(error, t) }) })}
            >
              {membership.tenant_name} · {t(`roles.${membership.role}`, { defaultValue: membership.role })}
            </Menu.Item>
          ))}
          {mayAdd && (
            <>
              <Menu.Divider />
              <Menu.Item onClick={open} data-testid="add-business">
                {t('shell.addBusiness')}
              </Menu.Item>
            </>
          )}
        </Menu.Dropdown>
      </Menu>
      {mayAdd && <AddBusinessModal opened={adding} onClose={close} timezone={Intl.DateTimeFormat().resolvedOptions().timeZone} currency="EUR" />}
    </>
  );
}

/** The platform console's navigation: the screens this person of the platform may use. */
function PlatformNav({ me, close }: { me: Me; close: () => void }) {
  const { t } = useTranslation('admin');
  const location = useLocation();
  return (
    <>
      {PLATFORM_AREAS.filter((area) => area.visible(me)).map((area) => (
        <NavLink key={area.to} component={Link} to={area.to} label={t(area.label)} active={isInArea(area, location.pathname)} onClick={close} data-testid={area.testId} />
      ))}
    </>
  );
}

/**
 * Shown on every screen of a support impersonation: whose dashboard this is, whether it can change
 * anything, when it ends, and a way to end it now (the tab closes; the console is in the other).
 */
function ImpersonationBanner({ me, person }: { me: Me; person: string }) {
  const { t, i18n } = useTranslation('admin');
  const logout = useLogout();
  const endsAt = session.impersonation()?.endsAt;
  const until = endsAt ? new Intl.DateTimeFormat(i18n.language, { timeStyle: 'short' }).format(new Date(endsAt)) : null;
  return (
    <Alert color={me.read_only ? 'blue' : 'orange'} mb="md" data-testid="impersonation-banner" data-read-only={me.read_only} title={t('impersonation.title', { business: me.tenant?.name ?? '', person })}>
      <Group justify="space-between" gap="sm">
        <Text size="sm">
          {me.read_only ? t('impersonation.readOnly') : t('impersonation.canWrite')} {until ? t('impersonation.until', { time: until }) : null}
        </Text>
        <Button
          size="xs"
          variant="default"
          loading={logout.isPending}
          data-testid="impersonation-end"
          // The promise, not mutate's callbacks: the shell unmounts as the session ends.
          onClick={() => void logout.mutateAsync().finally(() => window.close())}
        >
          {t('impersonation.end')}
        </Button>
      </Group>
    </Alert>
  );
}

/** An unpaid invoice, on every screen of the people who see billing: what happens next and where to pay. */
function BillingBanner() {
  const { t } = useTranslation('admin');
  const billing = useBilling();
  const location = useLocation();
  const status = billing.data?.subscription?.status;
  if ((status !== 'past_due' && status !== 'unpaid') || location.pathname.startsWith('/admin/settings/billing')) return null;
  return (
    <Alert color={status === 'unpaid' ? 'red' : 'yellow'} mb="md" data-testid="billing-banner" title={t(`shell.billing_${status}`)}>
      <Group justify="space-between" gap="sm">
        <Text size="sm">{t(`shell.billing_${status}_help`)}</Text>
        <Button component={Link} to="/admin/settings/billing" size="xs" variant="default">
          {t('shell.billing_pay')}
        </Button>
      </Group>
    </Alert>
  );
}

/** The dashboard's frame: navigation (a drawer on phones), the business, the language and the account menu. */
export function AdminShell({ me, children }: { me: Me; children: ReactNode }) {
  const { t } = useTranslation('admin');
  const [opened, { toggle, close }] = useDisclosure();
  const logout = useLogout();
  const person = me.user ? [me.user.first_name, me.user.last_name].filter(Boolean).join(' ') || me.user.email : me.actor.id;
  return (
    <div className={classes.frame}>
      <header className={classes.header}>
        <Group gap="sm" wrap="nowrap" className={classes.brand}>
          <Burger opened={opened} onClick={toggle} size="sm" className={classes.burger} aria-label={t('shell.menu')} aria-expanded={opened} aria-controls="admin-nav" />
          <Text fw={700} truncate data-testid="business-name">
            {isPlatformPerson(me) ? t('platform.title') : (me.tenant?.name ?? 'ReserveHub')}
          </Text>
        </Group>
        <Group gap="xs" wrap="nowrap">
          <BusinessSwitcher me={me} />
          <Menu position="bottom-end">
            <Menu.Target>
              <Button variant="default" size="xs" classNames={{ root: classes.account, label: classes.accountLabel }} title={person} data-testid="account-menu">
                {person}
              </Button>
            </Menu.Target>
            <Menu.Dropdown aria-label={t('shell.account')}>
              <Menu.Label>{t(`roles.${me.role}`, { defaultValue: me.role })}</Menu.Label>
              <Menu.Item component={Link} to="/admin/account/security" data-testid="nav-security">
                {t('shell.security')}
              </Menu.Item>
              <Menu.Item onClick={() => logout.mutate()} data-testid="sign-out">
                {t('shell.signOut')}
              </Menu.Item>
            </Menu.Dropdown>
          </Menu>
        </Group>
      </header>
      <nav id="admin-nav" className={classes.nav} data-open={opened} aria-label={t('shell.nav')}>
        {isPlatformPerson(me) ? <PlatformNav me={me} close={close} /> : <BusinessNav me={me} close={close} />}
        <Box mt="auto">
          <LanguageSwitch />
        </Box>
      </nav>
      <main className={classes.main}>
        {!isPlatformPerson(me) && can(me, 'read', 'Tenant') && <BillingBanner />}
        {me.impersonated_by ? (
          <ImpersonationBanner me={me} person={person} />
        ) : me.read_only ? (
          <Alert color="yellow" mb="md" data-testid="read-only-banner">
            {t('shell.suspendedReadOnly')}
          </Alert>
        ) : null}
        {children}
      </main>
    </div>
  );
}

interface SettingsItem {
  to: string;
  label: string;
  testId: string;
  visible: (me: Me) => boolean;
}

/** The configuration screens, each offered to the roles that may at least read it (the server decides the rest). */
const SETTINGS: readonly SettingsItem[] = [
  { to: '/admin/settings/business', label: 'shell.businessProfile', testId: 'nav-business', visible: (me) => can(me, 'update', 'Business') },
  { to: '/admin/settings/domain', label: 'shell.domain', testId: 'nav-domain', visible: (me) => can(me, 'update', 'Tenant') },
  { to: '/admin/settings/services', label: 'shell.services', testId: 'nav-services', visible: (me) => can(me, 'manage', 'Service') },
  { to: '/admin/settings/resources', label: 'shell.resources', testId: 'nav-resources', visible: (me) => can(me, 'manage', 'Resource') },
  { to: '/admin/settings/hours', label: 'shell.hours', testId: 'nav-hours', visible: (me) => can(me, 'manage', 'Schedule') },
  { to: '/admin/settings/team', label: 'shell.team', testId: 'nav-team', visible: (me) => can(me, 'read', 'User') },
  { to: '/admin/settings/messages', label: 'shell.messages', testId: 'nav-messages', visible: (me) => can(me, 'manage', 'Notification') },
  { to: '/admin/settings/developers', label: 'shell.developers', testId: 'nav-developers', visible: (me) => can(me, 'read', 'WebhookEndpoint') },
  { to: '/admin/settings/payments', label: 'shell.payments', testId: 'nav-payments', visible: (me) => can(me, 'manage', 'Settings') },
  { to: '/admin/settings/plan', label: 'shell.plan', testId: 'nav-plan', visible: (me) => can(me, 'read', 'Tenant') },
  { to: '/admin/settings/billing', label: 'shell.billing', testId: 'nav-billing', visible: (me) => can(me, 'read', 'Tenant') },
  { to: '/admin/settings/audit-log', label: 'shell.auditLog', testId: 'nav-audit-log', visible: (me) => can(me, 'read', 'AuditLog') },
];

/** The business dashboard's navigation: what the person's permissions allow. */
function BusinessNav({ me, close }: { me: Me; close: () => void }) {
  const { t } = useTranslation('admin');
  const location = useLocation();
  const settings = SETTINGS.filter((item) => item.visible(me));
  return (
    <>
      <NavLink
        component={Link}
        to="/admin/calendar"
        label={t('shell.calendar')}
        active={location.pathname.startsWith('/admin/calendar')}
        onClick={close}
        data-testid="nav-calendar"
      />
      <NavLink
        component={Link}
        to="/admin/bookings"
        label={t('shell.bookings')}
        active={location.pathname.startsWith('/admin/bookings')}
        onClick={close}
        data-testid="nav-bookings"
      />
      {(can(me, 'read', 'Report') || me.role === 'staff') && (
        <NavLink
          component={Link}
          to="/admin/reports"
          label={t('shell.reports')}
          active={location.pathname.startsWith('/admin/reports')}
          onClick={close}
          data-testid="nav-reports"
        />
      )}
      {can(me, 'read', 'Customer') && me.role !== 'staff' && (
        <NavLink
          component={Link}
          to="/admin/customers"
          label={t('shell.customers')}
          active={location.pathname.startsWith('/admin/customers') && !location.pathname.startsWith('/admin/customers/privacy')}
          onClick={close}
          data-testid="nav-customers"
        />
      )}
      {can(me, 'export', 'Customer') && (
        <NavLink
          component={Link}
          to="/admin/customers/privacy"
          label={t('shell.privacy')}
          active={location.pathname.startsWith('/admin/customers/privacy')}
          onClick={close}
          data-testid="nav-privacy"
        />
      )}
      {settings.length > 0 && (
        <NavLink label={t('shell.settings')} defaultOpened={location.pathname.startsWith('/admin/settings')} data-testid="nav-settings">
          {settings.map((item) => (
            <NavLink
              key={item.to}
              component={Link}
              to={item.to}
              label={t(item.label)}
              active={location.pathname.startsWith(item.to)}
              onClick={close}
              data-testid={item.testId}
            />
          ))}
        </NavLink>
      )}
    </>
  );
}
