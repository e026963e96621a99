import { Type } from '@sinclair/typebox';
import type { ConnectorDefinition } from '../types.ts';

export const credentialSchema = Type.Object({
  api_key: Type.String({ minLength: 1, description: 'Any key that starts with "sandbox", e.g. "sandbox-demo".' }),
});

/**
 * The built-in ATS: a simulated vendor kept in atsgate's own database, so that every endpoint
 * can be tried without an ATS account. It has what a good ATS has: a native result-link
 * feature on candidates and applications, custom fields, and attachments.
 */
export const definition: ConnectorDefinition<typeof credentialSchema> = {
  id: 'sandbox',
  label: 'Sandbox ATS',
  credentialSchema,
  credentialFields: [
    {
      key: 'api_key',
      label: 'Sandbox API key',
      help: 'Any value starting with "sandbox" works (try "sandbox-demo"); anything else is refused, so the error path can be tried too.',
      secret: true,
    },
  ],
  defaultBaseUrl: 'sandbox://local',
  rateLimit: { requests: 1000, perMs: 1000 },
  capabilities: {
    resultLinks: {
      candidate: 'native',
      application: 'native',
      attributes: 'custom_fields',
      summary: 'Native result links on candidates and applications; attributes become custom fields "<prefix> <key>" on the same record.',
    },
    attachments: {
      candidate: true,
      types: { CV: 'resume', COVER_LETTER: 'cover_letter', OTHER: 'other' },
      maxBytes: 50 * 1024 * 1024,
      upload: "stored in atsgate's database",
    },
    reads: { jobs: true, candidates: true, applications: true, candidateAttachments: true },
    // The sandbox keeps notes and files on the application itself.
    applicationWrites: { notes: 'application', attachments: 'application' },
    deltaSync: true,
    users: { read: true, summary: 'The seeded team: recruiters, hiring managers, an admin and a deactivated user, with their roles.' },
    tags: {
      candidate: 'native',
      list: 'native',
      summary: 'Native candidate tags, matched by name (case-insensitive) or created.',
    },
    applicationStatus: {
      stageMove: true,
      reject: true,
      rejectionReasons: true,
      summary: "Native: the stage of the application's job; a rejection keeps reason and note.",
    },
  },
  // Its "remote" data is atsgate's own tables: the re-read costs no vendor call.
  refreshAfterWrite: 'inline',
  docs: [],
};
