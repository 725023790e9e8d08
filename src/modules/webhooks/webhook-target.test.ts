import { describe, expect, it } from 'vitest';
import { isNonPublicAddress, parseWebhookUrl, resolveWebhookTarget, WebhookTargetError } from './webhook-target.ts';

describe('isNonPublicAddress', () => {
  const cases: Array<[string, boolean]> = [
    ['127.0.0.1', true],
    ['127.255.0.9', true],
    ['10.1.2.3', true],
    ['172.16.0.1', true],
    ['172.31.255.255', true],
    ['192.168.1.10', true],
    ['169.254.169.254', true],
    ['100.64.0.1', true],
    ['0.0.0.0', true],
    ['224.0.0.1', true],
    ['255.255.255.255', true],
    ['::1', true],
    ['::', true],
    ['fe80::1', true],
    ['fc00::1', true],
    ['fd12:3456::1', true],
    ['::ffff:127.0.0.1', true],
    ['::ffff:7f00:1', true],
    ['::ffff:10.0.0.1', true],
    ['ff02::1', true],
    ['not-an-ip', true],
    ['8.8.8.8', false],
    ['172.32.0.1', false],
    ['93.184.216.34', false],
    ['2606:4700:4700::1111', false],
    ['::ffff:8.8.8.8', false],
  ];
  it.each(cases)('%s → non-public: %s', (address, expected) => {
    expect(isNonPublicAddress(address)).toBe(expected);
  });
});

describe('resolveWebhookTarget', () => {
  it('checks the resolved address, not only the name (localhost → loopback)', async () => {
    await expect(resolveWebhookTarget(parseWebhookUrl('http://localhost:9/x'), false)).rejects.toMatchObject({ reason: 'non_public_address' });
  });
  it('refuses literal private addresses, IPv6 included', async () => {
    for (const url of ['http://127.0.0.1/', 'http://[::1]/', 'http://169.254.169.254/latest', 'http://[::ffff:127.0.0.1]/', 'http://2130706433/']) {
      await expect(resolveWebhookTarget(parseWebhookUrl(url), false), url).rejects.toBeInstanceOf(WebhookTargetError);
    }
  });
  it('allows them when private targets are allowed', async () => {
    await expect(resolveWebhookTarget(parseWebhookUrl('http://127.0.0.1:1/'), true)).resolves.toEqual([{ address: '127.0.0.1', family: 4 }]);
  });
  it('refuses URLs with credentials or other schemes', () => {
    expect(() => parseWebhookUrl('http://user:pw@example.com/')).toThrow(WebhookTargetError);
    expect(() => parseWebhookUrl('file:///etc/passwd')).toThrow(WebhookTargetError);
  });
});
