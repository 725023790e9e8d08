import { Alert, Anchor, Button, ColorInput, FileButton, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useState, type CSSProperties } from 'react';
import { useTranslation } from 'react-i18next';
import { accentColours } from '../../shared/ui/accent.ts';
import { readLogo, screenErrorText, useRemoveLogo, useSaveBusiness, useUploadLogo, type Business, type LogoType } from './business-api.ts';
import classes from './business-settings.module.css';

const HEX = /^#[0-9a-f]{6}$/i;
const LOGO_TYPES: readonly string[] = ['image/png', 'image/jpeg', 'image/webp'] satisfies LogoType[];
const LOGO_MAX_BYTES = 512 * 1024;
/** The booking page's own accent when the business has none. */
const DEFAULT_ACCENT = '#1a73e8';

/**
 * The colour as the booking page will use it: null while it is not a colour; `readable` false when
 * white text on it stays under 4.5:1 (the server refuses it), with the nearest darker shade that passes.
 */
function checkColour(value: string): { readable: boolean; suggestion: string } | null {
  if (!HEX.test(value)) return null;
  const adjusted = accentColours(value)?.accent ?? value;
  return { readable: adjusted === value.toLowerCase(), suggestion: adjusted };
}

/** The booking page's header as customers will see it: logo (or initial), name and a button in the colour. */
function HeaderPreview({ business, colour }: { business: Business; colour: string }) {
  const { t } = useTranslation('business');
  const colours = accentColours(colour) ?? accentColours(DEFAULT_ACCENT);
  const style = { '--preview-accent': colours?.accent, '--preview-contrast': colours?.contrast } as CSSProperties;
  return (
    <div className={classes.preview} style={style} data-testid="look-preview" aria-label={t('look.preview')} role="figure">
      <div className={classes.previewHeader}>
        {business.logo_url ? (
          <img className={classes.previewLogo} src={business.logo_url} alt={t('look.logoAlt', { name: business.name })} width={56} height={56} data-testid="preview-logo" />
        ) : (
          <span className={classes.previewInitial} aria-hidden="true">
            {business.name.trim().charAt(0).toUpperCase()}
          </span>
        )}
        <Text fw={700} size="lg">
          {business.name}
        </Text>
      </div>
      <span className={classes.previewButton}>{t('look.previewButton')}</span>
    </div>
  );
}

/** Colour and logo of the booking page, with the header's live preview. */
export function BusinessLook({ business, canEdit, slug }: { business: Business; canEdit: boolean; slug: string | null }) {
  const { t } = useTranslation('business');
  const { t: tAdmin } = useTranslation('admin');
  const saved = typeof business.settings.accent_color === 'string' ? business.settings.accent_color : '';
  const [colour, setColour] = useState(saved);
  const [fileProblem, setFileProblem] = useState<string | null>(null);
  const save = useSaveBusiness(business.id);
  const upload = useUploadLogo(business.id);
  const remove = useRemoveLogo(business.id);
  const check = colour === '' ? null : checkColour(colour);
  const colourError = colour !== '' && check === null ? t('look.colourInvalid') : check && !check.readable ? t('look.colourContrast') : null;

  const chooseFile = async (file: File | null) => {
    setFileProblem(null);
    if (!file) return;
    if (!LOGO_TYPES.includes(file.type)) return setFileProblem(t('look.logoType'));
    if (file.size > LOGO_MAX_BYTES) return setFileProblem(t('look.logoSize'));
    upload.mutate(await readLogo(file));
  };

  const saveColour = () => {
    if (colourError || colour === '') return;
    save.mutate({ settings: { accent_color: colour.toLowerCase() } });
  };

  const failure = save.error ?? upload.error ?? remove.error;
  return (
    <Paper withBorder radius="md" p="lg" data-testid="business-look">
      <Stack gap="md">
        <Stack gap={4}>
          <Title order={2} size="h4">
            {t('look.title')}
          </Title>
          <Text size="sm" c="dimmed">
            {t('look.help')}
          </Text>
        </Stack>
        <div className={classes.look}>
          <Stack gap="md">
            <ColorInput
              label={t('look.colour')}
              description={t('look.colourHelp')}
              placeholder={DEFAULT_ACCENT}
              format="hex"
              value={colour}
              onChange={setColour}
              readOnly={!canEdit}
              withEyeDropper={false}
              error={colourError}
              data-testid="accent-colour"
            />
            {check && !check.readable && canEdit && (
              <Button variant="light" size="xs" onClick={() => setColour(check.suggestion)} data-testid="accent-suggestion">
                {t('look.useSuggestion', { colour: check.suggestion })}
              </Button>
            )}
            <Stack gap={6}>
              <Text size="sm" fw={500}>
                {t('look.logo')}
              </Text>
              <Text size="xs" c="dimmed">
                {t('look.logoHelp')}
              </Text>
              {canEdit && (
                <Group gap="sm">
                  <FileButton onChange={(file) => void chooseFile(file)} accept="image/png,image/jpeg,image/webp">
                    {(props) => (
                      <Button {...props} variant="default" loading={upload.isPending} data-testid="logo-choose">
                        {business.logo_url ? t('look.logoReplace') : t('look.logoUpload')}
                      </Button>
                    )}
                  </FileButton>
                  {business.logo_url && (
                    <Button variant="subtle" color="red" loading={remove.isPending} onClick={() => remove.mutate()} data-testid="logo-remove">
                      {t('look.logoRemove')}
                    </Button>
                  )}
                </Group>
              )}
              {fileProblem && (
                <Text size="sm" c="red.8" role="alert">
                  {fileProblem}
                </Text>
              )}
            </Stack>
          </Stack>
          <HeaderPreview business={business} colour={colour === '' || colourError ? saved || DEFAULT_ACCENT : colour} />
        </div>
        {failure && <Alert color="red">{screenErrorText(failure, 'business', tAdmin)}</Alert>}
        <Group justify="space-between" className={classes.footer}>
          {slug ? (
            <Anchor href={`/book/${encodeURIComponent(slug)}`} target="_blank" size="sm" data-testid="open-booking-page">
              {t('look.openPage')}
            </Anchor>
          ) : (
            <span />
          )}
          {canEdit && (
            <Button onClick={saveColour} disabled={colour === saved || colour === ''} loading={save.isPending} data-testid="accent-save">
              {t('look.save')}
            </Button>
          )}
        </Group>
      </Stack>
    </Paper>
  );
}
