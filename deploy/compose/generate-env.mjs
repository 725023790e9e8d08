#!/usr/bin/env node
// Prints a .env with fresh secrets for compose.yaml: the access-token signing key (a private ES256 JWK),
// the key-encryption key that wraps the field-encryption keys kept in the database, and passwords.
//
//   node deploy/compose/generate-env.mjs > .env && chmod 600 .env
//
// Needs only Node.js (any version from 16); or run it from the image:
//   docker run --rm -v "$PWD/deploy/compose:/in:ro" --entrypoint node reservehub /in/generate-env.mjs > .env
import { generateKeyPairSync, randomBytes } from 'node:crypto';

const stamp = new Date().toISOString().slice(0, 10).replaceAll('-', '');
const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: `es256-${stamp}`, alg: 'ES256', use: 'sig' };
const secret = (bytes) => randomBytes(bytes).toString('base64url');

process.stdout.write(
  [
    '# ReserveHub secrets for compose.yaml, generated ' + new Date().toISOString() + '. Keep this file private; never commit it.',
    `POSTGRES_PASSWORD=${secret(24)}`,
    `JWT_PRIVATE_KEYS='${JSON.stringify([signingKey])}'`,
    `KEY_ENCRYPTION_KEYS=kek-${stamp}:${randomBytes(32).toString('base64')}`,
    `GRAFANA_ADMIN_PASSWORD=${secret(18)}`,
    '# PUBLIC_URL=https://book.example.com',
    '# SMTP_URL=smtp://user:password@smtp.example.com:587',
    '# STRIPE_SECRET_KEY=sk_live_...  (then also STRIPE_WEBHOOK_SECRET, STRIPE_BILLING_WEBHOOK_SECRET and STRIPE_PUBLISHABLE_KEY, and PAYMENTS_SANDBOX=false)',
    '',
  ].join('\n'),
);
