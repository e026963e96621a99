/**
 * An account's own webhook receiver (`atsgate webhooks set --account <id> --url <url> --secret
 * <secret>`): the account's events go there, signed with its secret, and to no one else. Set by
 * the operator, like ATSGATE_WEBHOOK_URL (so it is not subject to the data_url SSRF rules), and
 * checked the same way: an http(s) URL and a secret of at least 16 characters, sealed at rest.
 */
import type { Runtime } from '../runtime.ts';
import { inputInvalid } from '../errors.ts';
import { ensureAccount } from '../store/keys.ts';
import { deleteAccountWebhook, listAccountWebhooks, setAccountWebhook } from '../store/webhooks.ts';

export async function setAccountWebhookDestination(rt: Runtime, accountId: string, url: string, secret: string): Promise<void> {
  if (!/^https?:\/\/[^/\s]+\S*$/.test(url)) throw inputInvalid('The webhook URL must be an http(s) URL.');
  if (secret.length < 16) throw inputInvalid('The webhook secret must be at least 16 characters long.');
  await ensureAccount(rt.db, accountId);
  await setAccountWebhook(rt.db, { account_id: accountId, url, secret_sealed: rt.box.seal(secret) });
}

export const clearAccountWebhookDestination = (rt: Runtime, accountId: string): Promise<boolean> => deleteAccountWebhook(rt.db, accountId);

export const accountWebhookDestinations = (rt: Runtime) => listAccountWebhooks(rt.db);
