import { describe, expect, it } from 'vitest';
import { grantable, readOnlyScope, webhookUrlProblem, widgetSnippet } from './integrations.ts';
import { EVENT_LIST_COMPLETE, WEBHOOK_EVENTS } from './use-developers.ts';

describe('developers screen rules', () => {
  it('checks a webhook address before sending: present, absolute, http(s)', () => {
    expect(webhookUrlProblem('  ')).toBe('urlRequired');
    expect(webhookUrlProblem('example.com/hooks')).toBe('urlInvalid');
    expect(webhookUrlProblem('ftp://example.com/hooks')).toBe('urlInvalid');
    expect(webhookUrlProblem(' https://example.com/hooks ')).toBeNull();
    expect(webhookUrlProblem('http://127.0.0.1:9/x')).toBeNull();
  });

  it('offers a key only its creator’s permissions, read-only without credentials', () => {
    const mine = ['read:Booking', 'manage:Booking', 'read:ApiKey', 'read:User', 'read:Report', 'manage:Platform'];
    expect(grantable(mine)).not.toContain('manage:Platform');
    expect(readOnlyScope(mine)).toEqual(['read:Booking', 'read:Report']);
  });

  it('writes the widget snippet with only the attributes asked for', () => {
    expect(widgetSnippet('https://app.example', 'demo', 'inline', 'auto')).toBe('<script src="https://app.example/widget.js" data-business="demo" async></script>');
    expect(widgetSnippet('https://app.example', 'demo', 'button', 'en')).toBe(
      '<script src="https://app.example/widget.js" data-business="demo" data-mode="button" data-locale="en" async></script>',
    );
  });

  it('names every webhook event of the API once', () => {
    expect(EVENT_LIST_COMPLETE).toBe(true);
    expect(new Set(WEBHOOK_EVENTS).size).toBe(WEBHOOK_EVENTS.length);
  });
});
