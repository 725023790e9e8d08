import { Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';

/** A dashboard screen's title, and the sentence under it that says what the screen is for. */
export function PageHeading({ title, intro }: { title: string; intro: ReactNode }) {
  return (
    <Stack gap={4}>
      <Title order={1} size="h2">
        {title}
      </Title>
      <Text c="dimmed">{intro}</Text>
    </Stack>
  );
}
