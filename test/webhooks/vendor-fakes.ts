/**
 * The vendor fakes that model their vendor's webhooks, for the generic suite: how to start
 * each, whether atsgate registers through the API or the customer pastes the URL, and which
 * fake requests are a re-read of one candidate.
 */
import type { FakeRequest } from '../fakes/server.ts';
import type { VendorFake } from '../fakes/types.ts';
import { startAshbyFake } from '../fakes/ashby.ts';
import { startGreenhouseFake } from '../fakes/greenhouse.ts';
import { startLeverFake } from '../fakes/lever.ts';
import { startWorkableFake } from '../fakes/workable.ts';
import { startSmartRecruitersFake } from '../fakes/smartrecruiters.ts';

export interface WebhookVendor {
  tool: string;
  setup: 'api' | 'manual';
  start(): Promise<VendorFake>;
  /** Whether this request to the fake reads the candidate (the targeted re-read). */
  isReadOf(req: FakeRequest, candidateRemoteId: string): boolean;
}

export const VENDOR_FAKES: WebhookVendor[] = [
  {
    tool: 'greenhouse',
    setup: 'manual',
    start: () => startGreenhouseFake(),
    isReadOf: (r, id) => r.method === 'GET' && r.path === '/v3/candidates' && r.query.get('ids') === id,
  },
  {
    tool: 'ashby',
    setup: 'api',
    start: () => startAshbyFake(),
    isReadOf: (r, id) => r.path === '/candidate.info' && r.json?.id === id,
  },
  {
    tool: 'lever',
    setup: 'api',
    start: () => startLeverFake(),
    isReadOf: (r, id) => r.method === 'GET' && r.path === '/v1/opportunities' && r.query.getAll('contact_id').includes(id),
  },
  {
    tool: 'workable',
    setup: 'api',
    start: () => startWorkableFake(),
    isReadOf: (r, id) => r.method === 'GET' && r.path.endsWith(`/candidates/${id}`),
  },
  {
    tool: 'smartrecruiters',
    setup: 'api',
    start: () => startSmartRecruitersFake(),
    isReadOf: (r, id) => r.method === 'GET' && r.path === `/candidates/${id}`,
  },
];
