import { describe, expect, it } from 'vitest';
import { isValidTwilioSignature, twilioSignature } from './twilio-signature.ts';

// The example of Twilio's "Webhooks security" documentation.
const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
const token = '12345';
const params: Array<[string, string]> = [
  ['Digits', '1234'],
  ['To', '+18005551212'],
  ['From', '+12349013030'],
  ['CallSid', 'CA1234567890ABCDE'],
  ['Caller', '+12349013030'],
];
const documented = '0/KCTR6DLpKmkAf8muzZqo1nDgQ=';

describe('Twilio request signature', () => {
  it('matches the documented example, whatever order the parameters came in', () => {
    expect(twilioSignature(token, url, params)).toBe(documented);
    expect(twilioSignature(token, url, [...params].reverse())).toBe(documented);
  });

  it('accepts the URL with or without the default port', () => {
    expect(isValidTwilioSignature(token, url, params, documented)).toBe(true);
    expect(isValidTwilioSignature(token, 'https://mycompany.com:443/myapp.php?foo=1&bar=2', params, documented)).toBe(true);
    const signedWithPort = twilioSignature(token, 'https://mycompany.com:443/myapp.php?foo=1&bar=2', params);
    expect(isValidTwilioSignature(token, url, params, signedWithPort)).toBe(true);
  });

  it.each([
    ['another token', 'other', url, params, documented],
    ['another URL', token, 'https://mycompany.com/myapp.php?foo=1&bar=3', params, documented],
    ['a changed parameter', token, url, [...params.slice(1), ['Digits', '1235']] as Array<[string, string]>, documented],
    ['an added parameter', token, url, [...params, ['MessageStatus', 'delivered']] as Array<[string, string]>, documented],
    ['no signature', token, url, params, undefined],
    ['an empty signature', token, url, params, ''],
    ['a truncated signature', token, url, params, documented.slice(0, -2)],
  ])('refuses %s', (_case, authToken, requestUrl, requestParams, signature) => {
    expect(isValidTwilioSignature(authToken, requestUrl, requestParams, signature)).toBe(false);
  });
});
