import type { ReactNode } from 'react';
import classes from './tone-badge.module.css';

/** What a badge says at a glance; each tone's text holds 4.5:1 contrast on its tint. */
export type Tone = 'positive' | 'info' | 'warning' | 'danger' | 'neutral';

/** A small pill in a tone (booking statuses, on/off states, account states); `wrap` for a sentence that may need two lines. */
export function ToneBadge({ tone, children, testId, wrap = false }: { tone: Tone; children: ReactNode; testId?: string; wrap?: boolean }) {
  return (
    <span className={classes.badge} data-tone={tone} data-testid={testId} data-wrap={wrap ? '' : undefined}>
      {children}
    </span>
  );
}
