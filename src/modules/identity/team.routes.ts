import { z } from 'zod';
import { envelopeSchema, ok } from '../../platform/http/envelope.ts';
import type { ApiRouter } from '../../platform/http/server.ts';
import { annotateAudit } from '../audit/index.ts';
import type { ApiKeyService } from './api-keys.service.ts';
import { callerOf, requestMeta } from './http-context.ts';
import type { RoleService } from './roles.service.ts';
import {
  acceptInvitationBodySchema,
  acceptInvitationResponseSchema,
  apiKeyBodySchema,
  apiKeySchema,
  createdApiKeySchema,
  idParams,
  invitationBodySchema,
  invitationSchema,
  memberSchema,
  roleBodySchema,
  rolePatchSchema,
  roleSchema,
  userPatchSchema,
  usersQuerySchema,
} from './team.schemas.ts';
import type { UserService } from './users.service.ts';

/** Team members, invitations, custom roles and API keys of the caller's tenant. */
export function registerTeamRoutes(api: ApiRouter, services: { users: UserService; roles: RoleService; apiKeys: ApiKeyService }): void {
  const { users, roles, apiKeys } = services;

  api.get(
    '/users',
    {
      config: { access: { permission: ['read', 'User'] } },
      schema: { tags: ['Team'], summary: 'Members of the business', querystring: usersQuerySchema, response: { 200: envelopeSchema(z.array(memberSchema)) } },
    },
    async (request) => {
      const page = await users.list(callerOf(request), request.query);
      return ok(page.items, page.pagination);
    },
  );

  api.get(
    '/users/:id',
    {
      config: { access: { permission: ['read', 'User'] } },
      schema: { tags: ['Team'], summary: 'One member', params: idParams, response: { 200: envelopeSchema(memberSchema) } },
    },
    async (request) => ok(await users.get(callerOf(request), request.params.id)),
  );

  api.post(
    '/users/invitations',
    {
      config: { access: { permission: ['create', 'User'] } },
      schema: {
        tags: ['Team'],
        summary: 'Invite someone by e-mail with a role and, for managers, receptionists and custom roles, their locations (402 PLAN_LIMIT_REACHED past the plan’s users, 422 UNKNOWN_LOCATION)',
        body: invitationBodySchema,
        response: { 201: envelopeSchema(invitationSchema) },
      },
    },
    async (request, reply) => {
      const invitation = await users.invite(callerOf(request), request.body, requestMeta(request));
      annotateAudit(request, { skip: true });
      return reply.code(201).send(ok(invitation));
    },
  );

  api.post(
    '/users/invitations/accept',
    {
      config: { access: { public: true, tenant: 'none' } },
      schema: {
        tags: ['Team'],
        summary: 'Accept an invitation (new people set a password; existing accounts give theirs)',
        body: acceptInvitationBodySchema,
        response: { 200: envelopeSchema(acceptInvitationResponseSchema) },
      },
    },
    async (request) => {
      annotateAudit(request, { skip: true });
      return ok(await users.acceptInvitation(request.body, requestMeta(request)));
    },
  );

  api.patch(
    '/users/:id',
    {
      config: { access: { permission: ['update', 'User'] } },
      schema: {
        tags: ['Team'],
        summary: 'Change a member’s role or locations, or deactivate / reactivate them (422 UNKNOWN_LOCATION for a location not of the business)',
        params: idParams,
        body: userPatchSchema,
        response: { 200: envelopeSchema(memberSchema) },
      },
    },
    async (request) => {
      const { before, after } = await users.update(callerOf(request), request.params.id, request.body);
      annotateAudit(request, {
        action: before.role !== after.role ? 'user.role_changed' : 'user.updated',
        entityType: 'user',
        entityId: after.id,
        oldValues: { role: before.role, custom_role_id: before.custom_role_id, location_ids: before.location_ids, status: before.status },
        newValues: { role: after.role, custom_role_id: after.custom_role_id, location_ids: after.location_ids, status: after.status },
      });
      return ok(after);
    },
  );

  api.get(
    '/roles',
    {
      config: { access: { permission: ['read', 'Role'] } },
      schema: { tags: ['Team'], summary: 'System roles and the tenant’s custom roles', response: { 200: envelopeSchema(z.array(roleSchema)) } },
    },
    async (request) => ok(await roles.list(callerOf(request))),
  );

  api.get(
    '/roles/:id',
    {
      config: { access: { permission: ['read', 'Role'] } },
      schema: { tags: ['Team'], summary: 'One custom role', params: idParams, response: { 200: envelopeSchema(roleSchema) } },
    },
    async (request) => ok(await roles.get(callerOf(request), request.params.id)),
  );

  api.post(
    '/roles',
    {
      config: { access: { permission: ['create', 'Role'] } },
      schema: { tags: ['Team'], summary: 'Create a custom role from the permission catalogue', body: roleBodySchema, response: { 201: envelopeSchema(roleSchema) } },
    },
    async (request, reply) => reply.code(201).send(ok(await roles.create(callerOf(request), request.body))),
  );

  api.patch(
    '/roles/:id',
    {
      config: { access: { permission: ['update', 'Role'] } },
      schema: { tags: ['Team'], summary: 'Change a custom role', params: idParams, body: rolePatchSchema, response: { 200: envelopeSchema(roleSchema) } },
    },
    async (request) => {
      const { before, after } = await roles.update(callerOf(request), request.params.id, request.body);
      annotateAudit(request, { action: 'role.updated', entityType: 'role', entityId: after.id, oldValues: before, newValues: after });
      return ok(after);
    },
  );

  api.delete(
    '/roles/:id',
    {
      config: { access: { permission: ['delete', 'Role'] } },
      schema: { tags: ['Team'], summary: 'Delete an unused custom role', params: idParams, response: { 204: z.null() } },
    },
    async (request, reply) => {
      const removed = await roles.remove(callerOf(request), request.params.id);
      annotateAudit(request, { action: 'role.deleted', entityType: 'role', entityId: removed.id, oldValues: removed });
      return reply.code(204).send(null);
    },
  );

  api.post(
    '/api-keys',
    {
      config: { access: { permission: ['create', 'ApiKey'] } },
      schema: {
        tags: ['API keys'],
        summary: 'Create an API key (the key is shown once); permissions are a subset of yours',
        body: apiKeyBodySchema,
        response: { 201: envelopeSchema(createdApiKeySchema) },
      },
    },
    async (request, reply) => {
      const created = await apiKeys.create(callerOf(request), request.body, requestMeta(request));
      annotateAudit(request, { skip: true });
      return reply.code(201).send(ok(created));
    },
  );

  api.get(
    '/api-keys',
    {
      config: { access: { permission: ['read', 'ApiKey'] } },
      schema: { tags: ['API keys'], summary: 'API keys (prefix, last use, never the key)', response: { 200: envelopeSchema(z.array(apiKeySchema)) } },
    },
    async (request) => ok(await apiKeys.list(callerOf(request))),
  );

  api.delete(
    '/api-keys/:id',
    {
      config: { access: { permission: ['delete', 'ApiKey'] } },
      schema: { tags: ['API keys'], summary: 'Revoke an API key (effective within seconds everywhere)', params: idParams, response: { 204: z.null() } },
    },
    async (request, reply) => {
      await apiKeys.revoke(callerOf(request), request.params.id, requestMeta(request));
      annotateAudit(request, { skip: true });
      return reply.code(204).send(null);
    },
  );
}
