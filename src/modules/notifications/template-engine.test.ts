import { describe, expect, it } from 'vitest';
import { DEFAULT_TEMPLATES } from './default-templates.ts';
import { LANGUAGES, TEMPLATE_KEYS, sampleVariables } from './notification-catalogue.ts';
import { OUTPUT_LIMIT, TEMPLATE_SOURCE_LIMIT, TemplateError, renderTemplate, validateTemplate } from './template-engine.ts';

describe('template sandbox', () => {
  it.each(['{% include "/etc/passwd" %}', '{% render "../../secrets" %}', '{% layout "base" %}x'])('refuses file-loading tag %s', (body) => {
    expect(() => validateTemplate('booking.confirmed', 'en', { body })).toThrow(/not allowed|not found|ENOENT/);
  });

  it('cannot reach prototype or constructor properties', () => {
    expect(() => validateTemplate('booking.confirmed', 'en', { body: '{{ customer.constructor.name }}' })).toThrow(TemplateError);
    const rendered = renderTemplate({ body: '{{ customer.first_name.size }}' }, { customer: { first_name: 'Ana' } }, false);
    expect(rendered.text).toBe('3');
  });

  it('rejects unknown variables and filters when saved', () => {
    expect(() => validateTemplate('booking.confirmed', 'en', { body: 'Hi {{ customer.password }}' })).toThrow(/unknown variable "customer.password"/);
    expect(() => validateTemplate('booking.confirmed', 'en', { body: '{{ payment.amount }}' })).toThrow(/unknown variable/);
    expect(() => validateTemplate('booking.confirmed', 'en', { body: '{{ customer.first_name | exec }}' })).toThrow(TemplateError);
    expect(validateTemplate('booking.confirmed', 'en', { subject: 'Hi {{ customer.first_name | upcase }}', body: '{{ booking.date }}' })).toEqual([
      'booking.date',
      'customer.first_name',
    ]);
  });

  it('bounds template size, output size and runaway loops', () => {
    expect(() => validateTemplate('booking.confirmed', 'en', { body: 'x'.repeat(TEMPLATE_SOURCE_LIMIT + 1) })).toThrow(/longer than/);
    const bomb = '{% for a in (1..1000000) %}{% for b in (1..1000000) %}xxxxxxxxxxxx{% endfor %}{% endfor %}';
    const started = Date.now();
    expect(() => renderTemplate({ body: bomb }, {}, false)).toThrow(TemplateError);
    expect(Date.now() - started).toBeLessThan(5_000);
    const wide = `{% for a in (1..${Math.ceil(OUTPUT_LIMIT / 10) + 10}) %}0123456789{% endfor %}`;
    expect(() => renderTemplate({ body: wide }, {}, false)).toThrow(TemplateError);
  });

  it('escapes values (and the template’s own text) in HTML', () => {
    const rendered = renderTemplate(
      { subject: 'Hi {{ customer.first_name }}', body: 'Hello <b>{{ customer.first_name }}</b>' },
      { customer: { first_name: '<script>alert(1)</script>' } },
      true,
    );
    expect(rendered.text).toBe('Hello <b><script>alert(1)</script></b>');
    expect(rendered.html).toContain('Hello &lt;b&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;/b&gt;');
    const custom = renderTemplate({ body: 'x', bodyHtml: '<p>{{ customer.first_name }}</p>' }, { customer: { first_name: '<i>' } }, true);
    expect(custom.html).toBe('<p>&lt;i&gt;</p>');
  });

  it('has a valid default for every template key in Spanish and English', () => {
    for (const key of TEMPLATE_KEYS) {
      for (const language of LANGUAGES) {
        const template = DEFAULT_TEMPLATES[key][language];
        expect(() => validateTemplate(key, language, { subject: template.subject, body: template.body }), `${key} ${language}`).not.toThrow();
        expect(() => validateTemplate(key, language, { body: template.short }), `${key} ${language} short`).not.toThrow();
        const rendered = renderTemplate({ subject: template.subject, body: template.body }, sampleVariables(key, language), true);
        expect(rendered.text.length).toBeGreaterThan(10);
        expect(rendered.text).not.toContain('{{');
      }
    }
  });
});
