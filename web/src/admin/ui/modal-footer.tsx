import { Alert, Button, Group, type GroupProps } from '@mantine/core';
import type { ReactNode } from 'react';

interface Props {
  /** What was refused, if anything: shown as an alert that is read out at once. */
  problem: ReactNode;
  problemTestId?: string;
  backLabel: string;
  onBack: () => void;
  gap?: GroupProps['gap'];
  /** The modal's own action: its submit or confirm button. */
  children: ReactNode;
}

/** The end of a dashboard modal: the refusal, then going back and the action on the right, the same in every form. */
export function ModalFooter({ problem, problemTestId, backLabel, onBack, gap, children }: Props) {
  return (
    <>
      {problem && (
        <Alert color="red" role="alert" data-testid={problemTestId}>
          {problem}
        </Alert>
      )}
      <Group justify="flex-end" gap={gap}>
        <Button variant="default" onClick={onBack}>
          {backLabel}
        </Button>
        {children}
      </Group>
    </>
  );
}
