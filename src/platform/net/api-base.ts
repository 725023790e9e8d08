/**
 * Where an SDK that takes host, port and protocol apart (Stripe's) sends its calls when pointed at
 * another API base than its own, such as a local fake in tests: `http://127.0.0.1:12111`.
 */
export function sdkEndpoint(apiBase: string): { host: string; port: number; protocol: 'http' | 'https' } {
  const base = new URL(apiBase);
  return {
    host: base.hostname,
    port: base.port === '' ? (base.protocol === 'https:' ? 443 : 80) : Number(base.port),
    protocol: base.protocol === 'http:' ? 'http' : 'https',
  };
}
