import { Button, Group, Modal, MultiSelect, Radio, Skeleton, Stack, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Me } from '../session/use-session.ts';
import { ToneBadge } from '../ui/tone-badge.tsx';
import { Confirm, Empty, LoadFailed, ShownOnce } from './dev-ui.tsx';
import { developersErrorText, fieldIssue, when } from './developers-errors.ts';
import classes from './developers.module.css';
import { grantable, readOnlyScope } from './integrations.ts';
import { useApiKeyMutations, useApiKeys, type ApiKey } from './use-developers.ts';

type Scope = 'full' | 'read' | 'custom';

/** API keys (owner level): create with a name and a scope, the key shown once, the list with prefix and last use, revoke. */
export function ApiKeysPanel({ me }: { me: Me }) {
  const { t, i18n } = useTranslation(['developers', 'admin']);
  const keys = useApiKeys(true);
  const mutations = useApiKeyMutations();
  const [creating, setCreating] = useState(false);
  const [shown, setShown] = useState<string | null>(null);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);

  const revoke = async (key: ApiKey) => {
    const done = await mutations.revoke.mutateAsync(key.id).then(() => true, () => false);
    if (!done) return;
    setRevoking(null);
    notifications.show({ message: t('apiKeys.revokedDone'), color: 'green' });
  };

  const list = [...(keys.data ?? [])].sort((a, b) => Number(a.revoked_at !== null) - Number(b.revoked_at !== null) || b.created_at.localeCompare(a.created_at));
  const add = (
    <Button onClick={() => setCreating(true)} data-testid="api-key-add">
      {t('apiKeys.add')}
    </Button>
  );
  return (
    <Stack gap="md" data-testid="api-keys-panel">
      <div className={classes.panelHead}>
        <Text size="sm" c="dimmed" className={classes.help}>
          {t('apiKeys.help')}
        </Text>
        {list.length > 0 && add}
      </div>
      {keys.isPending ? (
        <Stack gap="sm">
          <Skeleton h={72} />
          <Skeleton h={72} />
        </Stack>
      ) : keys.isError ? (
        <LoadFailed message={developersErrorText(keys.error, t)} onRetry={() => void keys.refetch()} />
      ) : list.length === 0 ? (
        <Empty title={t('apiKeys.empty')} hint={t('apiKeys.emptyHint')} testId="api-keys-empty" action={<div className={classes.emptyAction}>{add}</div>} />
      ) : (
        <ul className={classes.rows} aria-label={t('tabs.apiKeys')}>
          {list.map((key) => (
            <li key={key.id} className={classes.row} data-testid="api-key-row" data-key-id={key.id} data-revoked={key.revoked_at !== null}>
              <div className={classes.rowMain}>
                <Group gap="xs" wrap="wrap">
                  <ToneBadge tone={key.revoked_at ? 'neutral' : 'positive'} testId="api-key-status">
                    {key.revoked_at ? t('apiKeys.revoked') : t('apiKeys.active')}
                  </ToneBadge>
                  <Text fw={600}>{key.name}</Text>
                </Group>
                <dl className={classes.facts}>
                  <div className={classes.factWide}>
                    <dt>{t('apiKeys.prefix')}</dt>
                    <dd className={`${classes.mono} ${classes.nowrap}`} data-testid="api-key-prefix">
                      {key.prefix}…
                    </dd>
                  </div>
                  <div>
                    <dt>{t('apiKeys.permissions')}</dt>
                    <dd title={key.permissions.join(', ')}>{t('apiKeys.permissionCount', { count: key.permissions.length })}</dd>
                  </div>
                  <div>
                    <dt>{t('apiKeys.lastUsed')}</dt>
                    <dd data-testid="api-key-last-used">{key.last_used_at ? when(key.last_used_at, i18n.language) : t('common.never')}</dd>
                  </div>
                  <div>
                    <dt>{t('apiKeys.created')}</dt>
                    <dd>{when(key.created_at, i18n.language)}</dd>
                  </div>
                </dl>
              </div>
              {!key.revoked_at && (
                <div className={classes.rowActions}>
                  <Button variant="default" color="red" size="sm" onClick={() => setRevoking(key)} aria-label={t('apiKeys.revokeLabel', { name: key.name })} data-testid="api-key-revoke">
                    {t('apiKeys.revoke')}
                  </Button>
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
      {creating && (
        <ApiKeyForm
          me={me}
          onClose={() => setCreating(false)}
          onCreated={(key) => {
            setCreating(false);
            setShown(key);
          }}
        />
      )}
      {shown && <ShownOnce title={t('apiKeys.keyTitle')} value={shown} help={t('apiKeys.keyHelp')} testId="api-key-secret" onClose={() => setShown(null)} />}
      {revoking && (
        <Confirm
          title={t('apiKeys.revokeTitle', { name: revoking.name })}
          body={t('apiKeys.revokeBody')}
          confirm={t('apiKeys.revokeConfirm')}
          pending={mutations.revoke.isPending}
          error={mutations.revoke.isError ? developersErrorText(mutations.revoke.error, t) : null}
          onConfirm={() => void revoke(revoking)}
          onClose={() => {
            mutations.revoke.reset();
            setRevoking(null);
          }}
          testId="api-key-revoke"
        />
      )}
    </Stack>
  );
}

function ApiKeyForm({ me, onClose, onCreated }: { me: Me; onClose: () => void; onCreated: (key: string) => void }) {
  const { t } = useTranslation(['developers', 'admin']);
  const { create } = useApiKeyMutations();
  const [name, setName] = useState('');
  const [scope, setScope] = useState<Scope>('full');
  const [picked, setPicked] = useState<string[]>([]);
  const [tried, setTried] = useState(false);
  const nameError = tried && !name.trim() ? t('apiKeys.nameRequired') : fieldIssue(create.error)?.field === 'name' ? developersErrorText(create.error, t) : null;
  const pickedError = tried && scope === 'custom' && picked.length === 0 ? t('apiKeys.permissionsRequired') : null;
  const serverText = create.isError && fieldIssue(create.error)?.field !== 'name' ? developersErrorText(create.error, t) : null;

  const submit = async () => {
    setTried(true);
    if (!name.trim() || (scope === 'custom' && picked.length === 0)) return;
    const permissions = scope === 'read' ? readOnlyScope(me.permissions) : scope === 'custom' ? picked : undefined;
    const created = await create.mutateAsync({ name: name.trim(), ...(permissions ? { permissions } : {}) }).catch(() => null);
    if (created) onCreated(created.key);
  };

  return (
    <Modal opened onClose={onClose} title={t('apiKeys.createTitle')} centered size="lg" lockScroll={false} closeButtonProps={{ 'aria-label': t('common.close') }}>
      <form
        noValidate
        data-testid="api-key-form"
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <Stack gap="md">
          <TextInput label={t('apiKeys.name')} description={t('apiKeys.nameHelp')} value={name} maxLength={100} onChange={(event) => setName(event.currentTarget.value)} error={nameError} required data-testid="api-key-name" />
          <Radio.Group label={t('apiKeys.access')} value={scope} onChange={(value) => setScope(value as Scope)}>
            <Stack gap={8} mt={6}>
              {(['full', 'read', 'custom'] as const).map((value) => (
                <Radio key={value} value={value} label={t(`apiKeys.scopes.${value}`)} data-testid={`api-key-scope-${value}`} />
              ))}
            </Stack>
          </Radio.Group>
          {scope === 'custom' && (
            <MultiSelect
              label={t('apiKeys.permissions')}
              description={t('apiKeys.permissionsHelp')}
              data={grantable(me.permissions)}
              value={picked}
              onChange={setPicked}
              searchable
              error={pickedError}
              comboboxProps={{ withinPortal: true }}
              data-testid="api-key-permissions"
            />
          )}
          {serverText && (
            <Text className={classes.errorText} size="sm" role="alert" data-testid="api-key-form-error">
              {serverText}
            </Text>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={create.isPending} data-testid="api-key-submit">
              {t('apiKeys.create')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
