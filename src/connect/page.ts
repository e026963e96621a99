/**
 * The hosted connect page, rendered on the server: it works without JavaScript (plain links and
 * a form POST), and /connect/assets/connect.js adds the in-place submission, the sync progress
 * and the postMessage events of the official embed. Everything interpolated is escaped.
 */
import type { ConnectorDefinition, CredentialField } from '../connectors/types.ts';
import type { ConnectLink } from '../store/connect-links.ts';
import { credentialInputName, type FlowStatus } from './service.ts';
import { oauthInputFields } from './oauth.ts';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const esc = (s: unknown) => String(s ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c]);

/** Response headers of every page: the token is in the URL, so no referrer and no caching. */
export const PAGE_HEADERS: Record<string, string> = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  // Embedding apps frame this page from their own origin, so any ancestor is allowed; scripts,
  // styles and requests stay on this origin.
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors *",
};

function layout(title: string, main: string, opts: { closable?: boolean } = {}): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${esc(title)} · atsgate</title>
<link rel="stylesheet" href="/connect/assets/connect.css">
<script src="/connect/assets/connect.js" defer></script>
</head>
<body>
<div class="dialog" role="dialog" aria-modal="true" aria-labelledby="dialog-title">
<header class="bar">
<h1 id="dialog-title">${esc(title)}</h1>
${opts.closable === false ? '' : '<button type="button" id="close" class="close" aria-label="Close" hidden>&times;</button>'}
</header>
<main>
${main}
</main>
</div>
</body>
</html>`;
}

const stepLine = (n: number, of: number, what: string) => `<p class="step">Step ${n} of ${of}: ${esc(what)}</p>`;

export function invalidLinkPage(): string {
  return layout(
    'Link not valid',
    `<p class="lead">This connection link is invalid or has expired.</p>
<p>Please ask the app that sent you here for a new link.</p>`,
  );
}

export function pickerPage(link: ConnectLink, tools: ConnectorDefinition[]): string {
  const items = tools
    .map(
      (d) =>
        `<li><a class="tool" href="?tool=${encodeURIComponent(d.id)}"><img src="/v1/assets/tools/${encodeURIComponent(d.id)}.svg" alt="" width="32" height="32"><span>${esc(d.label)}</span></a></li>`,
    )
    .join('\n');
  return layout(
    'Connect your ATS',
    `${stepLine(1, 3, 'choose your ATS')}
<p class="org">For ${esc(link.end_user_organization_name)}</p>
<p class="lead">Which applicant tracking system do you use?</p>
<ul class="tools" aria-label="Applicant tracking systems">
${items}
</ul>`,
  );
}

export interface FormState {
  error?: string | null;
  /** Values to put back after a failed submission (secret fields are never echoed). */
  values?: Record<string, string>;
  allowBaseUrl: boolean;
  /** The user picked the tool (so "Back" returns to the list). */
  picked: boolean;
  /** Where the vendor sends the user back after signing in: registered in their OAuth client. */
  oauthRedirectUri?: string;
  /** The operator configured the OAuth client: the sign-in asks for none. */
  oauthOperatorClient?: boolean;
}

function literalOptions(def: ConnectorDefinition, key: string): string[] | null {
  const prop = (def.credentialSchema.properties as Record<string, any>)[key];
  const branches = prop?.anyOf as { const?: unknown }[] | undefined;
  if (!branches || !branches.every((b) => typeof b.const === 'string')) return null;
  return branches.map((b) => b.const as string);
}

/** `prefix` keeps ids unique when a second form (the sign-in) shows the same field. */
function credentialInput(def: ConnectorDefinition, f: CredentialField, value: string, prefix = ''): string {
  const id = `${prefix}f-${f.key}`;
  const help = `${prefix}h-${f.key}`;
  const name = credentialInputName(f.key);
  const common = `id="${id}" name="${esc(name)}" aria-describedby="${help}"${f.optional ? '' : ' required aria-required="true"'}`;
  const options = literalOptions(def, f.key);
  const control = options
    ? `<select ${common}>${f.optional ? '<option value="">(default)</option>' : ''}${options.map((o) => `<option${o === value ? ' selected' : ''}>${esc(o)}</option>`).join('')}</select>`
    : `<input ${common} type="${f.secret ? 'password' : 'text'}" autocomplete="off" spellcheck="false"${f.secret ? '' : ` value="${esc(value)}"`}>`;
  return `<div class="field">
<label for="${id}">${esc(f.label)}${f.optional && !/optional/i.test(f.label) ? ' <span class="opt">(optional)</span>' : ''}</label>
${control}
<p id="${help}" class="help">${esc(f.help)}</p>
</div>`;
}

export function formPage(link: ConnectLink, token: string, def: ConnectorDefinition, st: FormState): string {
  const relink = link.kind === 'RELINK';
  const values = st.values ?? {};
  const fields = def.credentialFields.map((f) => credentialInput(def, f, values[credentialInputName(f.key)] ?? '')).join('\n');
  const baseUrl =
    st.allowBaseUrl && !relink
      ? `<details class="advanced"${values.base_url ? ' open' : ''}>
<summary>Advanced</summary>
<div class="field">
<label for="f-base_url">API base URL <span class="opt">(optional)</span></label>
<input id="f-base_url" name="base_url" type="url" autocomplete="off" spellcheck="false" aria-describedby="h-base_url" value="${esc(values.base_url ?? '')}">
<p id="h-base_url" class="help">Only for proxies and test servers. Leave empty to use ${esc(def.defaultBaseUrl)}.</p>
</div>
</details>`
      : '';
  const title = relink ? `Reconnect ${def.label}` : `Connect ${def.label}`;
  // A separate form (its own ids): connect.js only takes over #connect-form, so this one posts
  // like a plain form and the answer sends the browser on to the vendor.
  const oauth = def.oauth
    ? `<form id="oauth-form" class="oauth" method="post" action="/connect/${esc(token)}/oauth">
<input type="hidden" name="tool" value="${esc(def.id)}">
${st.oauthRedirectUri && !st.oauthOperatorClient ? `<p class="help">Sign in with ${esc(def.oauth.label)} instead of pasting a token. Your OAuth client must allow the redirect URL <code>${esc(st.oauthRedirectUri)}</code>.</p>` : ''}
${oauthInputFields(def, st.oauthOperatorClient)
  .map((f) => credentialInput(def, f, values[credentialInputName(f.key)] ?? '', 'o'))
  .join('\n')}
${baseUrl.replace(/f-base_url/g, 'of-base_url').replace(/h-base_url/g, 'oh-base_url')}
<div class="actions">
<button type="submit" id="oauth-submit" class="button primary">Sign in with ${esc(def.oauth.label)}</button>
</div>
</form>
<p class="help">Or paste the credentials yourself:</p>`
    : '';
  const intro = relink
    ? `Enter new ${esc(def.label)} credentials. The connection keeps its data; only the credentials change.`
    : `Enter your ${esc(def.label)} credentials. They are checked with ${esc(def.label)} before anything is saved, and stored encrypted.`;
  return layout(
    title,
    `<section id="credentials">
${stepLine(relink || !st.picked ? 1 : 2, relink || !st.picked ? 2 : 3, 'enter your credentials')}
<div class="tool-head"><img src="/v1/assets/tools/${encodeURIComponent(def.id)}.svg" alt="" width="40" height="40"><div><p class="org">For ${esc(link.end_user_organization_name)}</p><p class="lead">${intro}</p></div></div>
<div id="form-error" class="error" role="alert" tabindex="-1"${st.error ? '' : ' hidden'}>${esc(st.error ?? '')}</div>
${oauth}
<form id="connect-form" method="post" action="/connect/${esc(token)}">
<input type="hidden" name="tool" value="${esc(def.id)}">
${fields}
${baseUrl}
<div class="actions">
${st.picked ? `<a class="button secondary" href="/connect/${esc(token)}">Back</a>` : ''}
<button type="submit" id="submit" class="button primary">${relink ? 'Reconnect' : 'Connect'}</button>
</div>
</form>
</section>
${progressSection(token, def, { hidden: true, relink })}`,
  );
}

/** The ATS's own webhooks to add by hand (filled by connect.js from the status, or here on a reload). */
function webhookBox(token: string, def: ConnectorDefinition, w: FlowStatus['webhook'], keyNotice?: string): string {
  const key = w?.vendor_secret ?? null;
  return `<div id="vendor-webhook" class="help"${w ? '' : ' hidden'}>
<h3>Send changes from ${esc(def.label)} within seconds</h3>
<p id="vendor-webhook-text">${esc(w?.instructions ?? '')}</p>
<p>URL: <code id="vendor-webhook-url">${esc(w?.url ?? '')}</code></p>
<p id="vendor-webhook-secret-row"${w?.secret ? '' : ' hidden'}>Secret: <code id="vendor-webhook-secret">${esc(w?.secret ?? '')}</code></p>
<form id="vendor-webhook-key" method="post" action="/connect/${esc(token)}/vendor-webhook-secret"${key ? '' : ' hidden'}>
<label for="vendor-webhook-key-input" id="vendor-webhook-key-label">${esc(key?.label ?? 'Signing key')}</label>
<input id="vendor-webhook-key-input" name="secret" type="password" autocomplete="off" required minlength="8" maxlength="500">
<button type="submit" class="button secondary">Save</button>
<p id="vendor-webhook-key-state" aria-live="polite">${esc(keyNotice ?? (key?.saved ? 'Saved.' : ''))}</p>
</form>
</div>`;
}

function progressSection(
  token: string,
  def: ConnectorDefinition,
  o: { hidden: boolean; relink: boolean; webhook?: FlowStatus['webhook']; keyNotice?: string },
): string {
  return `<section id="progress" data-status-url="/connect/${esc(token)}/status"${o.hidden ? ' hidden' : ''}>
<p class="step">${o.relink ? 'Step 2 of 2' : 'Last step'}: first sync</p>
<h2 id="progress-title" tabindex="-1">${esc(def.label)} is ${o.relink ? 'reconnected' : 'connected'}</h2>
<p id="sync-text" aria-live="polite">Importing jobs, candidates and applications…</p>
<progress id="sync-bar" aria-labelledby="sync-text"></progress>
<p id="sync-counts" class="counts"></p>
${webhookBox(token, def, o.webhook ?? null, o.keyNotice)}
<div class="actions">
<button type="button" id="done" class="button primary">Done</button>
</div>
<p id="close-hint" class="help" hidden>You can close this window now.</p>
</section>`;
}

/** The page of a link whose flow has finished (a reload, or the no-JavaScript path). */
export function connectedPage(
  link: ConnectLink,
  token: string,
  def: ConnectorDefinition,
  webhook: FlowStatus['webhook'] = null,
  keyNotice?: string,
): string {
  return layout(
    link.kind === 'RELINK' ? `Reconnect ${def.label}` : `Connect ${def.label}`,
    progressSection(token, def, { hidden: false, relink: link.kind === 'RELINK', webhook, keyNotice }),
  );
}

/** A sign-in that could not finish; with the link's token, a way back to its form. */
export function oauthErrorPage(message: string, token: string | null): string {
  return layout(
    'Sign-in failed',
    `<div class="error" role="alert">${esc(message)}</div>
${token ? `<div class="actions"><a class="button primary" href="/connect/${esc(token)}">Try again</a></div>` : '<p>Please ask the app that sent you here for a new link if this one has expired.</p>'}`,
  );
}

/**
 * On to the vendor's consent page. Not a redirect of the form's POST: the page's CSP allows
 * forms to post to this origin only, and browsers apply that to where the POST redirects.
 */
export function oauthRedirectPage(url: string, vendor: string): string {
  return layout(
    `Sign in with ${vendor}`,
    `<p class="lead">Taking you to ${esc(vendor)} to sign in…</p>
<div class="actions"><a id="oauth-continue" class="button primary" href="${esc(url)}">Continue to ${esc(vendor)}</a></div>`,
  ).replace(
    '<meta name="robots" content="noindex">',
    `<meta name="robots" content="noindex">\n<meta http-equiv="refresh" content="0;url=${esc(url)}">`,
  );
}
