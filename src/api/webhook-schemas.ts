/**
 * The webhook events atsgate sends in Kombo's shapes, as TypeBox schemas for the OpenAPI
 * document's `webhooks` (Kombo's OpenAPI documents them there too) and for the tests that check
 * real deliveries. Every body is `{id, type, created_at, data}`, signed as described in
 * docs/reliability.md (X-Atsgate-Signature and X-Kombo-Signature).
 */
import { Type, type TSchema } from '@sinclair/typebox';

const Str = (opts: { description?: string } = {}) => Type.String(opts);
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const DateTime = () => Type.String({ format: 'date-time' });
const Category = Type.Literal('ATS');
const EndUser = Type.Object({ organization_name: Str(), creator_email: Nullable(Str()), origin_id: Nullable(Str()) });

const event = <T extends TSchema>(type: string, data: T, description: string) =>
  Type.Object(
    {
      id: Str({ description: 'Event id: de-duplicate on it (delivery is at least once).' }),
      type: Type.Literal(type),
      created_at: DateTime(),
      data,
    },
    { description },
  );

export const WEBHOOK_EVENTS = {
  'integration-created': event(
    'integration-created',
    Type.Object({ id: Str(), tool: Str(), category: Category, end_user: EndUser }),
    'An integration was connected (connect link, API or CLI).',
  ),
  'integration-deleted': event(
    'integration-deleted',
    Type.Object({ id: Str(), tool: Str(), category: Category, end_user: EndUser, deleted_at: DateTime() }),
    'An integration was deleted (DELETE /v1/integrations/:id); its synced data is gone with it.',
  ),
  'integration-state-changed': event(
    'integration-state-changed',
    Type.Object({
      integration_tool: Str(),
      integration_id: Str(),
      integration_category: Category,
      end_user: EndUser,
      qa_status: Type.Union([Type.Literal('PENDING'), Type.Literal('FAILED'), Type.Literal('PASSED')], {
        description: 'atsgate runs no QA review: PASSED once the first sync completed, PENDING before.',
      }),
      setup_status: Type.Union([Type.Literal('INCOMPLETE'), Type.Literal('FINAL_SYNC_PENDING'), Type.Literal('COMPLETED')]),
      state: Type.Union([Type.Literal('ACTIVE'), Type.Literal('INVALID'), Type.Literal('INACTIVE')], {
        description: 'INACTIVE: disabled with PUT /v1/integrations/:id/enabled; INVALID: the ATS refused the credentials.',
      }),
      updated_at: DateTime(),
    }),
    "The integration's state or setup status moved: enabled/disabled, credentials refused or fixed, first sync completed.",
  ),
  'sync-finished': event(
    'sync-finished',
    Type.Object({
      sync_id: Str(),
      sync_state: Str({ description: 'SUCCEEDED or FAILED.' }),
      sync_started_at: DateTime(),
      sync_ended_at: DateTime(),
      sync_duration_seconds: Type.Integer({ minimum: 0 }),
      integration_id: Str(),
      integration_tool: Str(),
      integration_category: Category,
      end_user: EndUser,
      log_url: Str({ description: "The integration's dashboard page (its syncs)." }),
    }),
    'A sync ended, successfully or not.',
  ),
  'data-changed': event(
    'data-changed',
    Type.Object({
      integration_id: Str(),
      integration_tool: Str(),
      integration_category: Category,
      changed_models: Type.Array(Type.Object({ name: Str({ description: 'ats_jobs, ats_candidates, ats_applications, ats_users' }) })),
    }),
    'A sync changed data: fetch with updated_after.',
  ),
} satisfies Record<string, TSchema>;
