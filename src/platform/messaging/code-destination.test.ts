import { describe, expect, it } from 'vitest';
import { callingCodeOf, countryOfTimeZone } from './calling-codes.ts';
import { parseCodeDestination, parseEmailAddress } from './code-destination.ts';

describe('parseEmailAddress: exactly one addr-spec', () => {
  it.each([
    ['Ana.Pérez@example.com', null],
    ['Ana.Perez@Example.COM', 'ana.perez@example.com'],
    ['  ana@example.com  ', 'ana@example.com'],
    ["o'brien+tag@mail.example.co.uk", "o'brien+tag@mail.example.co.uk"],
    ['ana@xn--bcher-kva.example', 'ana@xn--bcher-kva.example'],
    ['ana@example.com,eve@example.com', null],
    ['ana@example.com;eve@example.com', null],
    ['Ana <ana@example.com>', null],
    ['ana@example.com\r\nBcc: eve@example.com', null],
    ['ana@example.com\n', null],
    ['ana\t@example.com', null],
    ['ana(x)@example.com', null],
    ['"ana b"@example.com', null],
    ['group:ana@example.com;', null],
    ['ana@[192.0.2.1]', null],
    ['ana@localhost', null],
    ['ana@example.123', null],
    ['ana..b@example.com', null],
    ['.ana@example.com', null],
    ['ana@-example.com', null],
    ['ana@example..com', null],
    ['@example.com', null],
    [`${'a'.repeat(65)}@example.com`, null],
    [`a@${'b'.repeat(250)}.com`, null],
  ])('%j → %j', (input, expected) => {
    expect(parseEmailAddress(input)).toBe(expected);
  });
});

describe('parseCodeDestination', () => {
  it('keeps the channel: an e-mail on sms, or a phone on email, is no destination', () => {
    expect(parseCodeDestination('sms', '+34 600 111 222')).toEqual({ channel: 'sms', value: '+34600111222' });
    expect(parseCodeDestination('sms', 'ana@example.com')).toBeNull();
    expect(parseCodeDestination('email', '+34600111222')).toBeNull();
    expect(parseCodeDestination('sms', '+34600111222,+34600111333')).toBeNull();
    expect(parseCodeDestination('sms', '+34600111222\n')).toBeNull();
  });
});

describe('calling codes', () => {
  it.each([
    ['+34600111222', '34'],
    ['+12025550143', '1'],
    ['+351912345678', '351'],
    ['+5215512345678', '52'],
    ['+59899123456', '598'],
    ['+81312345678', null],
  ])('%s → %s', (phone, code) => {
    expect(callingCodeOf(phone)).toBe(code);
  });

  it('finds the country of a time zone', () => {
    expect(countryOfTimeZone('Europe/Madrid')).toBe('ES');
    expect(countryOfTimeZone('Atlantic/Canary')).toBe('ES');
    expect(countryOfTimeZone('America/Mexico_City')).toBe('MX');
    expect(countryOfTimeZone('Asia/Tokyo')).toBeNull();
  });
});
