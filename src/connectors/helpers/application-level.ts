/**
 * Application-level notes and files on ATSs that keep them on the person, not on one
 * application: the write goes to the application's candidate and a warning names the
 * application, so the caller knows the note or file is not scoped to it. Shared so that every
 * such connector does and says the same thing.
 */
import type { ApplicationRef, AttachmentInput, CandidateRef, RemoteAttachment, WriteResult } from '../types.ts';

/** The application's candidate, as candidate-level operations take it: with this application only. */
export function candidateOf(application: ApplicationRef): CandidateRef {
  return { remote_id: application.candidate_remote_id, applications: [application] };
}

export const applicationWarn = {
  noteOnCandidate: (tool: string, application: ApplicationRef) =>
    `${tool} keeps notes on the candidate, not on applications; the note was added to candidate ${application.candidate_remote_id}, ` +
    `the candidate of application ${application.remote_id}, and shows on all of that candidate's applications.`,
  fileOnCandidate: (tool: string, application: ApplicationRef) =>
    `${tool} keeps files on the candidate, not on applications; the file was attached to candidate ${application.candidate_remote_id}, ` +
    `the candidate of application ${application.remote_id}.`,
  listedFromCandidate: (tool: string, application: ApplicationRef) =>
    `${tool} keeps files on the candidate, not on applications; these are the files of candidate ${application.candidate_remote_id}, ` +
    `the candidate of application ${application.remote_id}.`,
};

/**
 * A candidate's files as the files of one of its applications: those the ATS ties to another
 * application are left out, the candidate's own are kept.
 */
export function filesOfApplication(files: RemoteAttachment[], application: ApplicationRef): RemoteAttachment[] {
  return files.filter((f) => f.application_remote_id === null || f.application_remote_id === application.remote_id);
}

/**
 * The three operations for an ATS whose notes and files live on the candidate: its own
 * candidate-level note writer and file operations, plus the warnings above.
 */
export function onCandidateFallback<C>(
  tool: string,
  ops: {
    addCandidateAttachment(ctx: C, candidate: CandidateRef, attachment: AttachmentInput): Promise<WriteResult>;
    listCandidateAttachments(ctx: C, candidate: CandidateRef): Promise<{ attachments: RemoteAttachment[]; warnings: string[] }>;
  },
) {
  return {
    async addApplicationAttachment(ctx: C, application: ApplicationRef, attachment: AttachmentInput): Promise<WriteResult> {
      const out = await ops.addCandidateAttachment(ctx, candidateOf(application), attachment);
      return { warnings: [applicationWarn.fileOnCandidate(tool, application), ...out.warnings] };
    },
    async listApplicationAttachments(ctx: C, application: ApplicationRef) {
      const out = await ops.listCandidateAttachments(ctx, candidateOf(application));
      return {
        attachments: filesOfApplication(out.attachments, application),
        warnings: [applicationWarn.listedFromCandidate(tool, application), ...out.warnings],
      };
    },
  };
}
