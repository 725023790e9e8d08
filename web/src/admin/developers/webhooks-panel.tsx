import { Button, Checkbox, Drawer, Group, Menu, Modal, Skeleton, Stack, Switch, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { can, type Me } from '../session/use-session.ts';
import { ToneBadge, type Tone } from '../ui/tone-badge.tsx';
import { Confirm, Empty, LoadFailed, ShownOnce } from './dev-ui.tsx';
import { developersErrorText, fieldIssue, when } from './developers-errors.ts';
import classes from './developers.module.css';
import { webhookUrlProblem } from './integrations.ts';
import { developerKeys } from './keys.ts';
import { useDeliveries, useEndpointMutations, useEndpoints, useReplay, WEBHOOK_EVENTS, type Delivery, type Endpoint, type WebhookEvent } from './use-developers.ts';

const GROUPS = ['booking', 'payment', 'customer'] as const;
const DELIVERY_TONES: Record<Delivery['status'], Tone> = { succeeded: 'positive', pending: 'warning', failed: 'danger' };

type Secret = { title: string; value: string; help: string };

/** Webhook endpoints: the list, create and edit, the one-time secret, rotation, and each one's delivery log. */
export function WebhooksPanel({ me }: { me: Me }) {
  const { t, i18n } = useTranslation(['developers', 'admin']);
  const mayManage = can(me, 'manage', 'WebhookEndpoint');
  const endpoints = useEndpoints(true);
  const mutations = useEndpointMutations();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState<Endpoint | 'new' | null>(null);
  const [secret, setSecret] = useState<Secret | null>(null);
  const [rotating, setRotating] = useState<Endpoint | null>(null);
  const [deleting, setDeleting] = useState<Endpoint | null>(null);
  const [logOf, setLogOf] = useState<Endpoint | null>(null);

  const rotate = async (endpoint: Endpoint) => {
    const rotated = await mutations.rotate.mutateAsync(endpoint.id).catch(() => null);
    if (!rotated) return;
    setRotating(null);
    setSecret({ title: t('webhooks.rotatedTitle'), value: rotated.secret, help: `${t('webhooks.secretHelp')} ${t('webhooks.rotatedHelp', { when: when(rotated.previous_secret_expires_at, i18n.language) })}` });
  };
  const remove = async (endpoint: Endpoint) => {
    const done = await mutations.remove.mutateAsync(endpoint.id).then(() => true, () => false);
    if (!done) return;
    setDeleting(null);
    notifications.show({ message: t('webhooks.deleted'), color: 'green' });
  };

  const list = endpoints.data ?? [];
  return (
    <Stack gap="md" data-testid="webhooks-panel">
      <div className={classes.panelHead}>
        <Text size="sm" c="dimmed" className={classes.help}>
          {t('webhooks.help')}
        </Text>
        {mayManage && list.length > 0 && (
          <Button onClick={() => setEditing('new')} data-testid="webhook-add">
            {t('webhooks.add')}
          </Button>
        )}
      </div>
      {!mayManage && <Text size="sm">{t('webhooks.readOnly')}</Text>}
      {endpoints.isPending ? (
        <Stack gap="sm">
          <Skeleton h={88} />
          <Skeleton h={88} />
        </Stack>
      ) : endpoints.isError ? (
        <LoadFailed message={developersErrorText(endpoints.error, t)} onRetry={() => void endpoints.refetch()} />
      ) : list.length === 0 ? (
        <Empty
          title={t('webhooks.empty')}
          hint={t('webhooks.emptyHint')}
          testId="webhooks-empty"
          action={
            mayManage && (
              <Button mt="sm" onClick={() => setEditing('new')} data-testid="webhook-add">
                {t('webhooks.add')}
              </Button>
            )
          }
        />
      ) : (
        <ul className={classes.rows} aria-label={t('tabs.webhooks')}>
          {list.map((endpoint) => (
            <EndpointRow key={endpoint.id} endpoint={endpoint} mayManage={mayManage} onLog={() => setLogOf(endpoint)} onEdit={() => setEditing(endpoint)} onRotate={() => setRotating(endpoint)} onDelete={() => setDeleting(endpoint)} />
          ))}
        </ul>
      )}

      {editing !== null && (
        <EndpointForm
          endpoint={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
          onCreated={(value) => {
            setEditing(null);
            setSecret({ title: t('webhooks.secretTitle'), value, help: t('webhooks.secretHelp') });
          }}
        />
      )}
      {secret && <ShownOnce title={secret.title} value={secret.value} help={secret.help} testId="webhook-secret" onClose={() => setSecret(null)} />}
      {rotating && (
        <Confirm
          title={t('webhooks.rotateTitle')}
          body={t('webhooks.rotateBody')}
          confirm={t('webhooks.rotateConfirm')}
          pending={mutations.rotate.isPending}
          error={mutations.rotate.isError ? developersErrorText(mutations.rotate.error, t) : null}
          onConfirm={() => void rotate(rotating)}
          onClose={() => {
            mutations.rotate.reset();
            setRotating(null);
          }}
          testId="webhook-rotate"
          danger={false}
        />
      )}
      {deleting && (
        <Confirm
          title={t('webhooks.deleteTitle')}
          body={t('webhooks.deleteBody', { url: deleting.url })}
          confirm={t('webhooks.deleteConfirm')}
          pending={mutations.remove.isPending}
          error={mutations.remove.isError ? developersErrorText(mutations.remove.error, t) : null}
          onConfirm={() => void remove(deleting)}
          onClose={() => {
            mutations.remove.reset();
            setDeleting(null);
          }}
          testId="webhook-delete"
        />
      )}
      <DeliveryLog
        endpoint={logOf}
        mayReplay={mayManage}
        onClose={() => {
          setLogOf(null);
          // What the log showed may have changed the endpoint's health line.
          void queryClient.invalidateQueries({ queryKey: developerKeys.endpoints });
        }}
      />
    </Stack>
  );
}

function EndpointRow({ endpoint, mayManage, onLog, onEdit, onRotate, onDelete }: { endpoint: Endpoint; mayManage: boolean; onLog: () => void; onEdit: () => void; onRotate: () => void; onDelete: () => void }) {
  const { t, i18n } = useTranslation(['developers', 'admin']);
  const enabled = endpoint.status === 'enabled';
  const health = endpoint.failing_since
    ? { tone: 'danger' as const, text: t('webhooks.failingSince', { when: when(endpoint.failing_since, i18n.language) }) }
    : endpoint.last_success_at
      ? { tone: 'positive' as const, text: t('webhooks.lastSuccess', { when: when(endpoint.last_success_at, i18n.language) }) }
      : { tone: 'neutral' as const, text: t('webhooks.noDeliveryYet') };
  return (
    <li className={classes.row} data-testid="webhook-row" data-endpoint-id={endpoint.id}>
      <div className={classes.rowMain}>
        <Group gap="xs" wrap="wrap">
          <ToneBadge tone={enabled ? 'positive' : 'neutral'} testId="webhook-status">
            {enabled ? t('webhooks.enabled') : t('webhooks.disabled')}
          </ToneBadge>
          <Text className={classes.url} data-testid="webhook-url">
            {endpoint.url}
          </Text>
        </Group>
        {endpoint.description && (
          <Text size="sm" mt={4}>
            {endpoint.description}
          </Text>
        )}
        <ul className={classes.chips} aria-label={t('webhooks.eventCount', { count: endpoint.events.length })}>
          {endpoint.events.map((event) => (
            <li key={event} className={classes.chip} title={t(`webhooks.eventNames.${event}`, { defaultValue: event })}>
              {event}
            </li>
          ))}
        </ul>
        <Text size="sm" mt={6} className={classes[`health_${health.tone}`]} data-testid="webhook-health">
          {!enabled && endpoint.disabled_reason ? t('webhooks.disabledBecause', { reason: endpoint.disabled_reason }) : health.text}
        </Text>
      </div>
      <div className={classes.rowActions}>
        <Button variant="light" size="sm" onClick={onLog} data-testid="webhook-log">
          {t('webhooks.deliveries')}
        </Button>
        {mayManage && (
          <Menu position="bottom-end" withinPortal>
            <Menu.Target>
              <Button variant="default" size="sm" aria-label={t('webhooks.actionsFor', { url: endpoint.url })} data-testid="webhook-menu">
                ⋯
              </Button>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Item onClick={onEdit} data-testid="webhook-edit">
                {t('webhooks.edit')}
              </Menu.Item>
              <Menu.Item onClick={onRotate} data-testid="webhook-rotate">
                {t('webhooks.rotate')}
              </Menu.Item>
              <Menu.Divider />
              <Menu.Item color="red" onClick={onDelete} data-testid="webhook-delete">
                {t('webhooks.delete')}
              </Menu.Item>
            </Menu.Dropdown>
          </Menu>
        )}
      </div>
    </li>
  );
}

/** Create (then the secret, once) or edit an endpoint: its address, description, events and, when editing, on/off. */
function EndpointForm({ endpoint, onClose, onCreated }: { endpoint: Endpoint | null; onClose: () => void; onCreated: (secret: string) => void }) {
  const { t } = useTranslation(['developers', 'admin']);
  const mutations = useEndpointMutations();
  const [url, setUrl] = useState(endpoint?.url ?? '');
  const [description, setDescription] = useState(endpoint?.description ?? '');
  const [events, setEvents] = useState<string[]>(endpoint?.events ?? []);
  const [enabled, setEnabled] = useState(endpoint ? endpoint.status === 'enabled' : true);
  const [tried, setTried] = useState(false);
  const mutation = endpoint ? mutations.update : mutations.create;
  const urlProblem = webhookUrlProblem(url);
  const serverIssue = fieldIssue(mutation.error);
  const serverText = mutation.isError ? developersErrorText(mutation.error, t) : null;
  const urlError = tried && urlProblem ? t(`webhooks.${urlProblem}`) : serverIssue?.field === 'url' ? serverText : null;
  const eventsError = tried && events.length === 0 ? t('webhooks.eventsRequired') : null;

  const submit = async () => {
    setTried(true);
    if (urlProblem || events.length === 0) return;
    const chosen = WEBHOOK_EVENTS.filter((event) => events.includes(event)) as WebhookEvent[];
    if (endpoint) {
      const saved = await mutations.update
        .mutateAsync({ id: endpoint.id, body: { url: url.trim(), events: chosen, description: description.trim() || null, status: enabled ? 'enabled' : 'disabled' } })
        .catch(() => null);
      if (!saved) return;
      notifications.show({ message: t('webhooks.saved'), color: 'green' });
      onClose();
    } else {
      const created = await mutations.create.mutateAsync({ url: url.trim(), events: chosen, ...(description.trim() ? { description: description.trim() } : {}) }).catch(() => null);
      if (created) onCreated(created.secret);
    }
  };

  return (
    <Modal opened onClose={onClose} title={endpoint ? t('webhooks.editTitle') : t('webhooks.createTitle')} centered size="lg" lockScroll={false} closeButtonProps={{ 'aria-label': t('common.close') }}>
      <form
        noValidate
        data-testid="webhook-form"
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <Stack gap="md">
          <TextInput
            label={t('webhooks.url')}
            description={t('webhooks.urlHelp')}
            value={url}
            onChange={(event) => setUrl(event.currentTarget.value)}
            error={urlError}
            required
            type="url"
            inputMode="url"
            autoComplete="off"
            data-testid="webhook-url-input"
          />
          <TextInput label={t('webhooks.description')} value={description} maxLength={500} onChange={(event) => setDescription(event.currentTarget.value)} data-testid="webhook-description" />
          <Checkbox.Group label={t('webhooks.events')} description={t('webhooks.eventsHelp')} value={events} onChange={setEvents} error={eventsError} withAsterisk data-testid="webhook-events">
            <div className={classes.eventGroups}>
              {GROUPS.map((group) => (
                <fieldset key={group} className={classes.eventGroup}>
                  <legend className={classes.eventLegend}>{t(`webhooks.groups.${group}`)}</legend>
                  <Stack gap={8}>
                    {WEBHOOK_EVENTS.filter((event) => event.startsWith(`${group}.`)).map((event) => (
                      <Checkbox
                        key={event}
                        value={event}
                        label={
                          <span>
                            {t(`webhooks.eventNames.${event}`)} <code className={classes.eventCode}>{event}</code>
                          </span>
                        }
                        data-testid={`webhook-event-${event}`}
                      />
                    ))}
                  </Stack>
                </fieldset>
              ))}
            </div>
          </Checkbox.Group>
          {endpoint && <Switch label={t('webhooks.active')} description={t('webhooks.activeHelp')} checked={enabled} onChange={(event) => setEnabled(event.currentTarget.checked)} data-testid="webhook-enabled" />}
          {serverText && serverIssue?.field !== 'url' && (
            <Text className={classes.errorText} size="sm" role="alert" data-testid="webhook-form-error">
              {serverText}
            </Text>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={mutation.isPending} data-testid="webhook-submit">
              {endpoint ? t('webhooks.save') : t('webhooks.create')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** The endpoint's deliveries, newest first (refreshed every few seconds), each with its request and responses and a replay. */
function DeliveryLog({ endpoint, mayReplay, onClose }: { endpoint: Endpoint | null; mayReplay: boolean; onClose: () => void }) {
  const { t } = useTranslation(['developers', 'admin']);
  const deliveries = useDeliveries(endpoint?.id ?? null);
  return (
    <Drawer
      opened={endpoint !== null}
      onClose={onClose}
      position="right"
      size="xl"
      // Mantine's scroll lock writes a <style> element, which the page's CSP refuses.
      lockScroll={false}
      title={endpoint ? t('deliveries.title', { url: endpoint.url }) : ''}
      classNames={{ title: classes.drawerTitle }}
      closeButtonProps={{ 'aria-label': t('common.close') }}
    >
      {endpoint && (
        <Stack gap="md" data-testid="delivery-log">
          <Text size="sm" c="dimmed">
            {t('deliveries.help')}
          </Text>
          {deliveries.isPending ? (
            <Stack gap="sm">
              <Skeleton h={64} />
              <Skeleton h={64} />
            </Stack>
          ) : deliveries.isError ? (
            <LoadFailed message={developersErrorText(deliveries.error, t)} onRetry={() => void deliveries.refetch()} />
          ) : deliveries.data.length === 0 ? (
            <Empty title={t('deliveries.empty')} hint={t('deliveries.emptyHint')} testId="deliveries-empty" />
          ) : (
            <ul className={classes.rows}>
              {deliveries.data.map((delivery) => (
                <DeliveryRow key={delivery.id} delivery={delivery} endpointId={endpoint.id} mayReplay={mayReplay} />
              ))}
            </ul>
          )}
        </Stack>
      )}
    </Drawer>
  );
}

function pretty(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

function DeliveryRow({ delivery, endpointId, mayReplay }: { delivery: Delivery; endpointId: string; mayReplay: boolean }) {
  const { t, i18n } = useTranslation(['developers', 'admin']);
  const replay = useReplay(endpointId);
  const last = delivery.last_attempt_at ?? delivery.created_at;
  const run = async () => {
    const done = await replay.mutateAsync(delivery.id).then(() => true, () => false);
    if (done) notifications.show({ message: t('deliveries.replayed'), color: 'green' });
  };
  return (
    <li className={classes.delivery} data-testid="delivery-row" data-delivery-id={delivery.id} data-status={delivery.status} data-replays={delivery.replays}>
      <div className={classes.deliveryHead}>
        <div className={classes.rowMain}>
          <Group gap="xs" wrap="wrap">
            <ToneBadge tone={DELIVERY_TONES[delivery.status]} testId="delivery-status">
              {t(`deliveries.statuses.${delivery.status}`)}
            </ToneBadge>
            <Text fw={600} className={classes.mono}>
              {delivery.event_type}
            </Text>
          </Group>
          <Text size="sm" c="dimmed" mt={4} data-testid="delivery-facts">
            {when(last, i18n.language, true)} · {t('deliveries.attempts', { count: delivery.attempts })}
            {delivery.last_response_status !== null ? ` · HTTP ${delivery.last_response_status}` : ` · ${t('deliveries.noResponse')}`}
            {delivery.replays > 0 ? ` · ${t('deliveries.replays', { count: delivery.replays })}` : ''}
          </Text>
          {delivery.status === 'pending' && delivery.next_attempt_at && (
            <Text size="sm" c="dimmed">
              {t('deliveries.nextAttempt', { when: when(delivery.next_attempt_at, i18n.language, true) })}
            </Text>
          )}
          {delivery.last_error && (
            <Text size="sm" className={`${classes.errorText} ${classes.wrapAnywhere}`}>
              {t('deliveries.error', { error: delivery.last_error })}
            </Text>
          )}
        </div>
        {mayReplay && (
          <Button
            size="xs"
            variant="default"
            onClick={() => void run()}
            loading={replay.isPending}
            aria-label={t('deliveries.replayLabel', { event: delivery.event_type, when: when(last, i18n.language, true) })}
            data-testid="delivery-replay"
          >
            {t('deliveries.replay')}
          </Button>
        )}
      </div>
      {replay.isError && (
        <Text size="sm" className={classes.errorText} role="alert">
          {developersErrorText(replay.error, t)}
        </Text>
      )}
      <details className={classes.details} data-testid="delivery-details">
        <summary>{t('deliveries.details')}</summary>
        <Text size="sm" fw={600} mt="xs">
          {t('deliveries.requestBody')}
        </Text>
        <pre className={classes.codeBlock} tabIndex={0} aria-label={t('deliveries.requestBody')}>
          {pretty(delivery.request_body)}
        </pre>
        {delivery.attempt_log.map((attempt) => (
          <div key={attempt.attempt} className={classes.attempt} data-testid="delivery-attempt">
            <Text size="sm" fw={600}>
              {t('deliveries.attempt', { number: attempt.attempt, when: when(attempt.started_at, i18n.language, true), duration: attempt.duration_ms })}
            </Text>
            <Text size="xs" c="dimmed" mt={4}>
              {t('deliveries.requestHeaders')}
            </Text>
            <pre className={classes.codeBlock} tabIndex={0} aria-label={t('deliveries.requestHeaders')}>
              {Object.entries(attempt.request.headers)
                .map(([name, value]) => `${name}: ${value}`)
                .join('\n')}
            </pre>
            {attempt.response ? (
              <>
                <Text size="xs" c="dimmed" mt={4}>
                  {t('deliveries.responseStatus', { status: attempt.response.status })}
                </Text>
                {attempt.response.body && (
                  <pre className={classes.codeBlock} tabIndex={0} aria-label={t('deliveries.responseBody')}>
                    {attempt.response.body}
                  </pre>
                )}
              </>
            ) : (
              <Text size="xs" className={classes.errorText}>
                {attempt.error ? t('deliveries.error', { error: attempt.error }) : t('deliveries.noResponse')}
              </Text>
            )}
          </div>
        ))}
      </details>
    </li>
  );
}

