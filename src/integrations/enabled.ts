/**
 * A disabled integration (PUT /v1/integrations/:id/enabled {value:false}) keeps its credentials
 * and data but takes no writes, passthrough calls or syncs until it is enabled again. On /v1/ats
 * endpoints the refusal is Kombo's INTEGRATION.INACTIVE; general endpoints (force-sync,
 * passthrough) may only answer PLATFORM.* codes (Kombo's ErrorResponseGeneral, the SDKs' closed
 * KomboGeneralError enum), so there it is PLATFORM.INPUT_INVALID with the same 409 and message.
 */
import { AtsgateError } from '../errors.ts';
import type { Integration } from '../store/integrations.ts';

export function assertEnabled(integration: Pick<Integration, 'id' | 'enabled'>, family: 'ats' | 'general'): void {
  if (integration.enabled !== false) return;
  const message = `Integration ${integration.id} is disabled (inactive): it takes no writes or syncs until it is enabled again with PUT /v1/integrations/${integration.id}/enabled {"value": true}.`;
  throw new AtsgateError(family === 'ats' ? 'INTEGRATION.INACTIVE' : 'PLATFORM.INPUT_INVALID', message, { status: 409 });
}
