import { Button, Group, Modal, Select, Skeleton, Stack, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { can, type Me } from '../session/use-session.ts';
import { ToneBadge } from '../ui/tone-badge.tsx';
import { Confirm, Empty, LoadFailed, ShownOnce } from './dev-ui.tsx';
import { developersErrorText, fieldIssue, when } from './developers-errors.ts';
import classes from './developers.module.css';
import { useFeedMutations, useFeedResources, useFeeds, type Feed } from './use-developers.ts';

/** ICS feeds per professional or room: create (the link shown once, with copy), the list, revoke. */
export function FeedsPanel({ me }: { me: Me }) {
  const { t, i18n } = useTranslation(['developers', 'admin']);
  const mayManage = can(me, 'manage', 'Booking');
  const feeds = useFeeds(true);
  const resources = useFeedResources(true);
  const mutations = useFeedMutations();
  const [creating, setCreating] = useState(false);
  const [link, setLink] = useState<string | null>(null);
  const [revoking, setRevoking] = useState<Feed | null>(null);
  const names = new Map((resources.data ?? []).map((resource) => [resource.id, resource.name]));
  const subjectOf = (feed: Feed) => (feed.kind === 'customer' ? t('feeds.customer') : (names.get(feed.resource_id ?? '') ?? t('feeds.unknownResource')));

  const revoke = async (feed: Feed) => {
    const done = await mutations.revoke.mutateAsync(feed.id).then(() => true, () => false);
    if (!done) return;
    setRevoking(null);
    notifications.show({ message: t('feeds.revokedDone'), color: 'green' });
  };

  const list = [...(feeds.data ?? [])].sort((a, b) => Number(a.status === 'revoked') - Number(b.status === 'revoked') || b.created_at.localeCompare(a.created_at));
  const add = mayManage && (
    <Button onClick={() => setCreating(true)} data-testid="feed-add">
      {t('feeds.add')}
    </Button>
  );
  return (
    <Stack gap="md" data-testid="feeds-panel">
      <div className={classes.panelHead}>
        <Text size="sm" c="dimmed" className={classes.help}>
          {t('feeds.help')}
        </Text>
        {list.length > 0 && add}
      </div>
      {!mayManage && <Text size="sm">{t('feeds.readOnly')}</Text>}
      {feeds.isPending ? (
        <Stack gap="sm">
          <Skeleton h={64} />
          <Skeleton h={64} />
        </Stack>
      ) : feeds.isError ? (
        <LoadFailed message={developersErrorText(feeds.error, t)} onRetry={() => void feeds.refetch()} />
      ) : list.length === 0 ? (
        <Empty title={t('feeds.empty')} hint={t('feeds.emptyHint')} testId="feeds-empty" action={add ? <div className={classes.emptyAction}>{add}</div> : undefined} />
      ) : (
        <ul className={classes.rows} aria-label={t('tabs.feeds')}>
          {list.map((feed) => (
            <li key={feed.id} className={classes.row} data-testid="feed-row" data-feed-id={feed.id} data-status={feed.status}>
              <div className={classes.rowMain}>
                <Group gap="xs" wrap="wrap">
                  <ToneBadge tone={feed.status === 'active' ? 'positive' : 'neutral'}>{feed.status === 'active' ? t('feeds.active') : t('feeds.revoked')}</ToneBadge>
                  <Text fw={600}>{subjectOf(feed)}</Text>
                  {feed.name && (
                    <Text size="sm" c="dimmed">
                      {feed.name}
                    </Text>
                  )}
                </Group>
                <dl className={classes.facts}>
                  <div>
                    <dt>{t('feeds.lastUsed')}</dt>
                    <dd>{feed.last_used_at ? when(feed.last_used_at, i18n.language) : t('common.never')}</dd>
                  </div>
                  <div>
                    <dt>{t('feeds.created')}</dt>
                    <dd>{when(feed.created_at, i18n.language)}</dd>
                  </div>
                </dl>
              </div>
              {mayManage && feed.status === 'active' && (
                <div className={classes.rowActions}>
                  <Button variant="default" color="red" size="sm" onClick={() => setRevoking(feed)} aria-label={t('feeds.revokeLabel', { name: subjectOf(feed) })} data-testid="feed-revoke">
                    {t('feeds.revoke')}
                  </Button>
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
      {creating && (
        <FeedForm
          onClose={() => setCreating(false)}
          onCreated={(url) => {
            setCreating(false);
            setLink(url);
          }}
        />
      )}
      {link && <ShownOnce title={t('feeds.urlTitle')} value={link} help={t('feeds.urlHelp')} testId="feed-url" onClose={() => setLink(null)} />}
      {revoking && (
        <Confirm
          title={t('feeds.revokeTitle')}
          body={t('feeds.revokeBody')}
          confirm={t('feeds.revokeConfirm')}
          pending={mutations.revoke.isPending}
          error={mutations.revoke.isError ? developersErrorText(mutations.revoke.error, t) : null}
          onConfirm={() => void revoke(revoking)}
          onClose={() => {
            mutations.revoke.reset();
            setRevoking(null);
          }}
          testId="feed-revoke"
        />
      )}
    </Stack>
  );
}

function FeedForm({ onClose, onCreated }: { onClose: () => void; onCreated: (url: string) => void }) {
  const { t } = useTranslation(['developers', 'admin']);
  const resources = useFeedResources(true);
  const { create } = useFeedMutations();
  const [resourceId, setResourceId] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [tried, setTried] = useState(false);
  const issue = fieldIssue(create.error);
  const resourceError = tried && !resourceId ? t('feeds.resourceRequired') : issue?.field === 'resource_id' ? developersErrorText(create.error, t) : null;
  const serverText = create.isError && issue?.field !== 'resource_id' ? developersErrorText(create.error, t) : null;
  const options = (resources.data ?? []).filter((resource) => resource.status === 'active').map((resource) => ({ value: resource.id, label: resource.name }));

  const submit = async () => {
    setTried(true);
    if (!resourceId) return;
    const created = await create.mutateAsync({ resource_id: resourceId, ...(name.trim() ? { name: name.trim() } : {}) }).catch(() => null);
    if (created) onCreated(created.url);
  };

  return (
    <Modal opened onClose={onClose} title={t('feeds.createTitle')} centered lockScroll={false} closeButtonProps={{ 'aria-label': t('common.close') }}>
      <form
        noValidate
        data-testid="feed-form"
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <Stack gap="md">
          <Select
            label={t('feeds.resource')}
            data={options}
            value={resourceId}
            onChange={setResourceId}
            error={resourceError}
            required
            searchable
            disabled={resources.isPending}
            comboboxProps={{ withinPortal: true }}
            data-testid="feed-resource"
          />
          <TextInput label={t('feeds.name')} description={t('feeds.nameHelp')} value={name} maxLength={255} onChange={(event) => setName(event.currentTarget.value)} data-testid="feed-name" />
          {serverText && (
            <Text className={classes.errorText} size="sm" role="alert">
              {serverText}
            </Text>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={create.isPending} data-testid="feed-submit">
              {t('feeds.create')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
