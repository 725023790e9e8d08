/** The cancellation policy as the form edits it (strings while typing) and its checks, mirroring the server's. */
import type { Policy } from './use-catalog.ts';

export interface RuleDraft {
  key: number;
  hours: string | number;
  percent: string | number;
}

export interface RefundRule {
  min_hours: number;
  refund_percentage: number;
}

let nextKey = 1;
export function ruleDraft(rule?: RefundRule): RuleDraft {
  nextKey += 1;
  return { key: nextKey, hours: rule?.min_hours ?? '', percent: rule?.refund_percentage ?? '' };
}

/** The refund for cancelling `hours` ahead: the tier with the largest `min_hours` not above it (none: 0). */
export function percentageAt(rules: readonly RefundRule[], hours: number): number {
  return [...rules].sort((a, b) => b.min_hours - a.min_hours).find((rule) => rule.min_hours <= hours)?.refund_percentage ?? 0;
}

/** Whether `candidate` never refunds more than `reference` (both change only at a tier's hours). */
export function atMostAsGenerous(candidate: readonly RefundRule[], reference: readonly RefundRule[]): boolean {
  return [...candidate, ...reference].every((rule) => percentageAt(candidate, rule.min_hours) <= percentageAt(reference, rule.min_hours));
}

const MAX_HOURS = 87_840;

export function hoursValue(value: string | number): number | null {
  if (value === '' || value === null) return null;
  const number = Number(value);
  return Number.isFinite(number) && number >= 0 && number <= MAX_HOURS ? number : null;
}

/** Parsed rules, or for each broken row the field key and sentence key. */
export function parseRules(drafts: readonly RuleDraft[], prefix: string): { rules: RefundRule[]; problems: Record<string, string> } {
  const rules: RefundRule[] = [];
  const problems: Record<string, string> = {};
  drafts.forEach((draft, index) => {
    const hours = hoursValue(draft.hours);
    const percent = draft.percent === '' ? null : Number(draft.percent);
    if (hours === null) problems[`${prefix}.${index}.hours`] = 'errors.hours';
    if (percent === null || !Number.isInteger(percent) || percent < 0 || percent > 100) problems[`${prefix}.${index}.percent`] = 'errors.percent';
    else if (hours !== null) rules.push({ min_hours: hours, refund_percentage: percent });
  });
  const seen = new Set<number>();
  rules.forEach((rule) => {
    if (seen.has(rule.min_hours)) problems[prefix] = 'errors.ruleRepeat';
    seen.add(rule.min_hours);
  });
  return { rules, problems };
}

export type { Policy };
