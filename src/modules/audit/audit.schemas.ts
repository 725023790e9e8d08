import { z } from 'zod';
import { pageQuerySchema } from '../../platform/http/pagination.ts';

export const auditLogQuerySchema = pageQuerySchema.extend({
  entity_type: z.string().min(1).max(100).optional(),
  entity_id: z.string().min(1).max(200).optional(),
  actor: z.string().min(1).max(200).optional().describe('User id or API key id'),
  action: z.string().min(1).max(200).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});

export const auditLogSchema = z.object({
  id: z.string(),
  tenant_id: z.string().describe('The business the entry belongs to; the platform’s own log has the nil UUID'),
  created_at: z.string(),
  actor: z.object({
    type: z.string(),
    id: z.string().nullable(),
    user_id: z.string().nullable(),
    impersonated_by: z.string().nullable(),
  }),
  action: z.string(),
  entity_type: z.string().nullable(),
  entity_id: z.string().nullable(),
  old_values: z.unknown(),
  new_values: z.unknown(),
  metadata: z.record(z.string(), z.unknown()),
  ip: z.string().nullable(),
  user_agent: z.string().nullable(),
  request_id: z.string().nullable(),
});
