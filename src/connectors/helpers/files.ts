/**
 * Files for every connector. Most ATSs list files without a MIME type, so the file name's
 * extension is the best evidence we have (mime-types' table). And an attachment's file, as a multipart
 * part (streamed from disk) or as bytes.
 */
import { lookup } from 'mime-types';
import type { AttachmentInput } from '../types.ts';

/** MIME type from a file name (or a bare extension); application/octet-stream when unknown. */
export function contentTypeFromName(fileName: string | null | undefined): string {
  // mime-types (mime-db's table, the one Express uses) rather than a table of our own.
  return lookup(fileName ?? '') || 'application/octet-stream';
}

/**
 * The attachment's file as a Blob typed with its content type, for a multipart part. Never
 * copies the bytes: a disk-backed file stays on disk and is streamed when the form is sent.
 */
export function attachmentBlob(a: Pick<AttachmentInput, 'file' | 'content_type'>): Blob {
  return a.file.type === a.content_type ? a.file : a.file.slice(0, a.file.size, a.content_type);
}

/** The attachment's bytes in memory, for vendors that take a file as base64 in JSON (or as bytes atsgate keeps). */
export async function attachmentBytes(a: Pick<AttachmentInput, 'file'>): Promise<Buffer> {
  return Buffer.from(await a.file.arrayBuffer());
}
