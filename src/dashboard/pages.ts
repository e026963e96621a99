/** The dashboard's pages, rendered on the server from already account-scoped data. */
import type { InboundUsage } from '../limits/inbound.ts';
import { getConnector } from '../connectors/registry.ts';
import type { Integration } from '../store/integrations.ts';
import type { SyncRow } from '../store/syncs.ts';
import type { Model } from '../store/records.ts';
import type { OutboundCall } from '../http/client.ts';
import type { presentLog } from '../api/present-log.ts';
import { badge, duration, html, page, prettyJson, Safe, when } from './html.ts';
import { encodeCursor, type IntegrationSummary } from './queries.ts';
import { COUNT_CAP, OUTCOME_FILTERS, type LogPage } from '../store/log-pages.ts';
import type { VendorWebhookView } from '../webhooks/vendor/endpoint.ts';

type PresentedLog = ReturnType<typeof presentLog>;

const toolLabel = (tool: string) => getConnector(tool)?.definition.label ?? tool;
const integrationHref = (id: string) => `/dashboard/integrations/${encodeURIComponent(id)}`;
export const logHref = (id: string) => `/dashboard/logs/${encodeURIComponent(id)}`;

function toolCell(tool: string): Safe {
  // The name follows the logo, so the image is decorative (empty alt).
  return html`<span class="tool"><img src="/v1/assets/tools/${encodeURIComponent(tool)}.svg" alt="" width="22" height="22">${toolLabel(tool)}</span>`;
}

function outcomeBadge(outcome: string): Safe {
  return outcome === 'UNKNOWN' ? badge('UNKNOWN', 'outcome unknown') : badge(outcome);
}

export function loginPage(o: { error?: string; next?: string }): string {
  return page({
    title: 'Log in',
    body: html`<div class="login">
      <h1>Log in to the atsgate dashboard</h1>
      <p>Use one of your atsgate API keys. You will see the integrations and logs of that key's account.</p>
      ${o.error ? html`<div class="error-box" role="alert" id="login-error">${o.error}</div>` : ''}
      <form method="post" action="/dashboard/login">
        <label for="api_key">API key</label>
        <input id="api_key" name="api_key" type="password" autocomplete="current-password" required spellcheck="false"
          ${o.error ? new Safe('aria-invalid="true" aria-describedby="login-error"') : ''} autofocus>
        ${o.next ? html`<input type="hidden" name="next" value="${o.next}">` : ''}
        <button type="submit">Log in</button>
      </form>
      <p class="hint">The key is checked once and is not stored in your browser: the session cookie holds a signed token that expires after 8 hours, and stops working as soon as the key is revoked.</p>
    </div>`,
  });
}

/** The account's request limits (src/limits/inbound.ts) and how much of the current window is used. */
function limitsLine(usage: InboundUsage | undefined): Safe {
  if (!usage || (!usage.account && !Object.keys(usage.integrations).length)) return html`<p class="hint">Request limits: off.</p>`;
  const per = usage.windowSeconds === 60 ? 'minute' : `${usage.windowSeconds} s`;
  const acc = usage.account
    ? html`this account ${usage.account.used} of ${usage.account.limit} requests this ${per}`
    : html`no account limit`;
  const anyIntegration = Object.values(usage.integrations)[0];
  const each = anyIntegration ? html`; each integration at most ${anyIntegration.limit} per ${per}` : html``;
  return html`<p class="hint" id="request-limits">Request limits: ${acc}${each}. Over a limit the API answers 429 PLATFORM.RATE_LIMIT_EXCEEDED with Retry-After.</p>`;
}

/** Actions in flight per integration, deployment-wide (src/writes/in-flight.ts), and their cap. */
export interface InFlightUsage {
  counts: Map<string, number>;
  max: number;
}

export function integrationsPage(accountId: string, list: IntegrationSummary[], usage?: InboundUsage, inFlight?: InFlightUsage): string {
  const rows = list.map(
    (i) => html`<tr>
      <td>${toolCell(i.tool)}</td>
      <td><a href="${integrationHref(i.id)}">${i.organization_name}</a><div class="hint mono">${i.id}</div></td>
      <td>${badge(i.status)}</td>
      <td>${badge(i.setup_status)}</td>
      <td class="nowrap">${when(i.last_sync_ended_at)}</td>
      <td class="num">${i.records.jobs}</td>
      <td class="num">${i.records.candidates}</td>
      <td class="num">${i.records.applications}</td>
      <td class="num">${i.failedWrites24h > 0 ? html`<a href="/dashboard/logs?integration=${encodeURIComponent(i.id)}&amp;outcome=ERROR">${i.failedWrites24h}</a>` : '0'}</td>
      <td class="num">${usage?.integrations[i.id] ? `${usage.integrations[i.id].used} / ${usage.integrations[i.id].limit}` : '—'}</td>
      <td class="num">${inFlight ? `${inFlight.counts.get(i.id) ?? 0} / ${inFlight.max}` : '—'}</td>
    </tr>`,
  );
  return page({
    title: 'Integrations',
    section: 'integrations',
    accountId,
    body: html`<h1>Integrations</h1>
      ${
        list.length === 0
          ? html`<p>This account has no integrations yet. Connect an ATS to see it here.</p>`
          : html`<table>
        <caption>${list.length} integration${list.length === 1 ? '' : 's'} of account ${accountId}</caption>
        <thead><tr>
          <th scope="col">Tool</th><th scope="col">Organisation</th><th scope="col">Status</th><th scope="col">Setup</th>
          <th scope="col">Last sync ended</th><th scope="col" class="num">Jobs</th><th scope="col" class="num">Candidates</th>
          <th scope="col" class="num">Applications</th><th scope="col" class="num">Failed writes (24 h)</th>
          <th scope="col" class="num">Requests this window</th><th scope="col" class="num">Actions in flight</th>
        </tr></thead>
        <tbody>${rows}</tbody>
      </table>`
      }
      ${limitsLine(usage)}
      <p class="hint" id="in-flight-cap">Actions in flight: writes being sent and asynchronous writes being delivered, counted across every atsgate process; beyond ${inFlight?.max ?? 30} per integration the API answers 429 PLATFORM.CONCURRENCY_LIMIT_EXCEEDED.</p>`,
  });
}

function syncRows(syncs: SyncRow[]): Safe {
  if (!syncs.length) return html`<p>No sync has run yet.</p>`;
  const stat = (s: SyncRow, kind: 'read' | 'changed' | 'deleted') => {
    const v = (s.stats as Record<string, Record<Model, number> | undefined>)[kind];
    return v ? `${v.jobs ?? 0} / ${v.candidates ?? 0} / ${v.applications ?? 0} / ${v.users ?? 0}` : '—';
  };
  return html`<table>
    <caption>Latest ${syncs.length} syncs, newest first. Counts are jobs / candidates / applications / users.</caption>
    <thead><tr><th scope="col">Started</th><th scope="col">Type</th><th scope="col">State</th><th scope="col" class="num">Took</th>
      <th scope="col">Read</th><th scope="col">Changed</th><th scope="col">Deleted</th><th scope="col">Error</th></tr></thead>
    <tbody>${syncs.map(
      (s) => html`<tr>
        <td class="nowrap">${when(s.started_at)}</td><td>${s.type}</td><td>${badge(s.state)}</td>
        <td class="num">${s.ended_at ? duration(new Date(s.ended_at).getTime() - new Date(s.started_at).getTime()) : 'running'}</td>
        <td>${stat(s, 'read')}</td><td>${stat(s, 'changed')}</td><td>${stat(s, 'deleted')}</td><td>${s.error ?? ((s.stats as { warnings?: string[] }).warnings ?? []).join(' ')}</td>
      </tr>`,
    )}</tbody>
  </table>`;
}

function logRows(entries: PresentedLog[], opts: { showIntegration: boolean; caption: string }): Safe {
  return html`<table>
    <caption>${opts.caption}</caption>
    <thead><tr><th scope="col">Time</th>${opts.showIntegration ? html`<th scope="col">Integration</th>` : ''}<th scope="col">Action</th>
      <th scope="col">Request</th><th scope="col">Outcome</th><th scope="col" class="num">Status</th><th scope="col" class="num">Took</th><th scope="col">Error</th></tr></thead>
    <tbody>${entries.map(
      (l) => html`<tr>
        <td class="nowrap"><a href="${logHref(l.id)}">${when(l.created_at)}</a></td>
        ${opts.showIntegration ? html`<td class="mono code">${l.integration_id ?? '—'}</td>` : ''}
        <td class="code">${l.action ?? '—'}</td>
        <td class="mono path">${l.method} ${l.path}</td>
        <td>${outcomeBadge(l.outcome)}</td>
        <td class="num">${l.status_code ?? '—'}</td>
        <td class="num nowrap">${duration(l.duration_ms)}</td>
        <td class="mono code">${l.error?.code ?? ''}</td>
      </tr>`,
    )}</tbody>
  </table>`;
}

const WEBHOOK_SETUP: Record<string, string> = {
  registered: 'Registered with the ATS by atsgate',
  manual: 'To be added in the ATS by the customer',
  failed: 'Registration refused by the ATS: add it by hand, or fix the permission and reconnect',
};

/** Where the ATS sends its own webhooks: changes arrive within seconds instead of at the next sync. */
function vendorWebhookPanel(v: VendorWebhookView | null, tool: string, href: string): Safe | string {
  if (!v) {
    // Declared by the connector: the ATS has no webhook for candidate or application changes.
    const none = getConnector(tool)?.webhooksUnavailable;
    if (!none) return '';
    return html`<section class="panel" aria-labelledby="vwh-h">
        <h2 id="vwh-h">ATS webhooks</h2>
        <p>${none.reason} Changes arrive with the periodic sync.</p>
        <p class="hint">${none.docs.map((d, n) => html`${n ? ' · ' : ''}<a href="${d}" rel="noreferrer">${d}</a>`)}</p>
      </section>`;
  }
  const key = v.vendor_secret;
  return html`<section class="panel" aria-labelledby="vwh-h">
        <h2 id="vwh-h">ATS webhooks</h2>
        <dl class="facts">
          <dt>State</dt><dd>${WEBHOOK_SETUP[v.setup] ?? v.setup}</dd>
          <dt>Webhook URL</dt><dd class="mono">${v.url}</dd>
          ${v.secret ? html`<dt>Secret</dt><dd class="mono">${v.secret}</dd>` : ''}
          ${key ? html`<dt>${key.label}</dt><dd>${key.saved ? 'Saved' : 'Not saved yet: deliveries are refused until it is'}</dd>` : ''}
          <dt>Last event</dt><dd>${v.last_event_at ? when(new Date(v.last_event_at)) : '—'}</dd>
          ${v.last_error ? html`<dt>Last error</dt><dd>${v.last_error}</dd>` : ''}
        </dl>
        <p class="hint">${v.instructions} Until events arrive, changes come with the periodic sync.</p>
        ${
          key
            ? html`<form method="post" action="${href}/vendor-webhook-secret" class="actions">
          <label for="vwh-secret">${key.label}</label>
          <input id="vwh-secret" name="secret" type="password" autocomplete="off" required minlength="8" maxlength="500">
          <button type="submit">${key.saved ? 'Replace' : 'Save'}</button>
        </form>`
            : ''
        }
      </section>`;
}

export function integrationPage(o: {
  accountId: string;
  integration: Integration;
  records: Record<Model, number>;
  failed24h: number;
  syncs: SyncRow[];
  recent: PresentedLog[];
  notice?: string;
  /** The ATS's own webhooks (src/webhooks/vendor/); null: this ATS sends none atsgate takes. */
  vendorWebhook?: VendorWebhookView | null;
}): string {
  const i = o.integration;
  return page({
    title: i.organization_name,
    section: 'integrations',
    accountId: o.accountId,
    body: html`<p class="hint"><a href="/dashboard">Integrations</a> › ${i.organization_name}</p>
      <h1><span class="tool"><img src="/v1/assets/tools/${encodeURIComponent(i.tool)}.svg" alt="" width="22" height="22">${i.organization_name} · ${toolLabel(i.tool)}</span></h1>
      ${o.notice ? html`<div class="notice" role="status">${o.notice}</div>` : ''}
      <div class="columns">
        <section class="panel" aria-labelledby="details-h">
          <h2 id="details-h">Details</h2>
          <dl class="facts">
            <dt>Integration id</dt><dd class="mono">${i.id}</dd>
            <dt>Tool</dt><dd>${toolLabel(i.tool)}</dd>
            <dt>Status</dt><dd>${badge(i.status)}</dd>
            <dt>Setup</dt><dd>${badge(i.setup_status)}</dd>
            <dt>Creator</dt><dd>${i.creator_email ?? '—'}</dd>
            <dt>Origin id</dt><dd class="mono">${i.origin_id ?? '—'}</dd>
            <dt>API base URL</dt><dd class="mono">${i.config.base_url ?? 'the vendor default'}</dd>
            <dt>Connected</dt><dd>${when(i.created_at)}</dd>
            <dt>Last sync started</dt><dd>${when(i.last_sync_started_at)}</dd>
            <dt>Last sync ended</dt><dd>${when(i.last_sync_ended_at)}</dd>
          </dl>
        </section>
        <section class="panel" aria-labelledby="data-h">
          <h2 id="data-h">Synced data</h2>
          <dl class="facts">
            <dt>Jobs</dt><dd>${o.records.jobs}</dd>
            <dt>Candidates</dt><dd>${o.records.candidates}</dd>
            <dt>Applications</dt><dd>${o.records.applications}</dd>
            <dt>Users</dt><dd>${o.records.users ?? 0}</dd>
            <dt>Tags</dt><dd>${o.records.tags ?? 0}</dd>
            <dt>Rejection reasons</dt><dd>${o.records.rejection_reasons ?? 0}</dd>
            <dt>Failed writes (24 h)</dt><dd>${o.failed24h > 0 ? html`<a href="/dashboard/logs?integration=${encodeURIComponent(i.id)}&amp;outcome=ERROR">${o.failed24h}</a>` : '0'}</dd>
          </dl>
          <form method="post" action="${integrationHref(i.id)}/sync" class="actions">
            <button type="submit" name="type" value="DELTA">Sync now</button>
            <button type="submit" name="type" value="FULL" class="secondary">Full sync</button>
          </form>
          <p class="hint">"Sync now" reads what changed since the last successful sync (a full sync when the tool cannot tell).</p>
        </section>
      </div>
      ${vendorWebhookPanel(o.vendorWebhook ?? null, i.tool, integrationHref(i.id))}
      <section aria-labelledby="syncs-h">
        <h2 id="syncs-h">Sync history</h2>
        ${syncRows(o.syncs)}
      </section>
      <section aria-labelledby="logs-h">
        <h2 id="logs-h">Recent logs</h2>
        ${o.recent.length ? logRows(o.recent, { showIntegration: false, caption: `The ${o.recent.length} latest interactions with this integration.` }) : html`<p>No interactions yet.</p>`}
        <p><a href="/dashboard/logs?integration=${encodeURIComponent(i.id)}">All logs of this integration</a></p>
      </section>`,
  });
}

export interface LogsView {
  integration: string;
  outcome: string;
  from: string;
  to: string;
  limit: number;
}

export function logsPage(o: {
  accountId: string;
  view: LogsView;
  integrations: Integration[];
  page: LogPage;
  entries: PresentedLog[];
  count: number;
  problem?: string;
}): string {
  const v = o.view;
  const query = (cursor: Record<string, string>) => {
    const q = new URLSearchParams();
    if (v.integration) q.set('integration', v.integration);
    if (v.outcome) q.set('outcome', v.outcome);
    if (v.from) q.set('from', v.from);
    if (v.to) q.set('to', v.to);
    if (v.limit !== 50) q.set('limit', String(v.limit));
    for (const [k, val] of Object.entries(cursor)) q.set(k, val);
    const s = q.toString();
    return `/dashboard/logs${s ? `?${s}` : ''}`;
  };
  const countText =
    o.count > COUNT_CAP
      ? `More than ${COUNT_CAP.toLocaleString('en')} entries match`
      : `${o.count.toLocaleString('en')} ${o.count === 1 ? 'entry matches' : 'entries match'}`;
  return page({
    title: 'Logs',
    section: 'logs',
    accountId: o.accountId,
    body: html`<h1>Logs</h1>
      <form class="filters" method="get" action="/dashboard/logs" role="search" aria-label="Filter logs">
        <div><label for="f-integration">Integration</label>
          <select id="f-integration" name="integration">
            <option value="">All integrations</option>
            ${o.integrations.map((i) => html`<option value="${i.id}" ${i.id === v.integration ? new Safe('selected') : ''}>${i.organization_name} (${toolLabel(i.tool)})</option>`)}
          </select></div>
        <div><label for="f-outcome">Outcome</label>
          <select id="f-outcome" name="outcome">
            <option value="">Any outcome</option>
            ${OUTCOME_FILTERS.map((x) => html`<option value="${x}" ${x === v.outcome ? new Safe('selected') : ''}>${x === 'UNKNOWN' ? 'Outcome unknown (pending > 10 min)' : x}</option>`)}
          </select></div>
        <div><label for="f-from">From (UTC)</label><input id="f-from" name="from" type="datetime-local" step="1" value="${v.from}"></div>
        <div><label for="f-to">Until (UTC)</label><input id="f-to" name="to" type="datetime-local" step="1" value="${v.to}"></div>
        <div><button type="submit">Apply filters</button></div>
        <div><a href="/dashboard/logs">Clear</a></div>
      </form>
      ${o.problem ? html`<div class="error-box" role="alert">${o.problem}</div>` : ''}
      <p role="status" id="log-count">${countText}.</p>
      ${o.entries.length ? logRows(o.entries, { showIntegration: true, caption: 'Newest first. Open an entry for its request, outbound calls and error.' }) : html`<p>No log entries on this page.</p>`}
      <nav class="pager" aria-label="Pages">
        ${o.page.newer ? html`<a href="${query({})}">Newest</a><a rel="prev" href="${query({ before: encodeCursor(o.page.newer) })}">← Newer</a>` : ''}
        ${o.page.older ? html`<a rel="next" href="${query({ after: encodeCursor(o.page.older) })}">Older →</a>` : ''}
      </nav>`,
  });
}

function callBlock(c: OutboundCall, n: number): Safe {
  return html`<section class="call" aria-label="Outbound call ${n}">
    <h3>${n}. ${c.method} ${c.url}</h3>
    <dl class="facts">
      <dt>Status</dt><dd>${c.status ?? 'no response'}</dd>
      <dt>Duration</dt><dd>${duration(c.duration_ms)}</dd>
      <dt>Attempt</dt><dd>${c.attempt}</dd>
      ${c.error ? html`<dt>Error</dt><dd>${c.error}</dd>` : ''}
    </dl>
    ${c.request_body !== undefined ? html`<details><summary>Request body</summary><pre>${prettyJson(c.request_body)}</pre></details>` : ''}
    ${c.response_body !== undefined ? html`<details open><summary>Response body</summary><pre>${prettyJson(c.response_body)}</pre></details>` : ''}
  </section>`;
}

export function logDetailPage(o: { accountId: string; log: PresentedLog; integration: Integration | null }): string {
  const l = o.log;
  const calls = (l.calls ?? []) as OutboundCall[];
  return page({
    title: `Log ${l.id}`,
    section: 'logs',
    accountId: o.accountId,
    body: html`<p class="hint"><a href="/dashboard/logs">Logs</a> › ${l.id}</p>
      <h1>${l.action ?? 'Interaction'} · ${outcomeBadge(l.outcome)}</h1>
      ${
        l.outcome === 'UNKNOWN'
          ? html`<div class="warn-box" role="status">Outcome unknown: this interaction started more than 10 minutes ago and never completed, most likely because the atsgate process stopped during the call. Check the ATS to see whether the write landed before retrying.</div>`
          : ''
      }
      ${l.error ? html`<div class="error-box" role="alert"><p><code>${l.error.code}</code></p><p>${l.error.message}</p></div>` : ''}
      <div class="columns">
        <section class="panel" aria-labelledby="summary-h">
          <h2 id="summary-h">Summary</h2>
          <dl class="facts">
            <dt>Log id</dt><dd class="mono">${l.id}</dd>
            <dt>Request</dt><dd class="mono">${l.method} ${l.path}</dd>
            <dt>Integration</dt><dd>${o.integration ? html`<a href="${integrationHref(o.integration.id)}">${o.integration.organization_name}</a> <span class="mono">${o.integration.id}</span>` : (l.integration_id ?? '—')}</dd>
            <dt>Outcome</dt><dd>${outcomeBadge(l.outcome)}</dd>
            <dt>HTTP status</dt><dd>${l.status_code ?? '—'}</dd>
            <dt>Started</dt><dd>${when(l.created_at)}</dd>
            <dt>Completed</dt><dd>${when(l.completed_at)}</dd>
            <dt>Took</dt><dd>${duration(l.duration_ms)}</dd>
          </dl>
        </section>
        <section class="panel" aria-labelledby="api-h">
          <h2 id="api-h">Same entry as JSON</h2>
          <p>The API serves this entry at <code class="mono">GET /v1/logs/${l.id}</code> (with your API key): that is where an error's <code>log_url</code> points.</p>
          <p><a href="/dashboard/data/logs/${encodeURIComponent(l.id)}">Open the JSON here</a> (uses your dashboard session).</p>
        </section>
      </div>
      <section aria-labelledby="warnings-h">
        <h2 id="warnings-h">Warnings</h2>
        ${l.warnings?.length ? html`<ul>${l.warnings.map((w) => html`<li>${w.message}</li>`)}</ul>` : html`<p>None.</p>`}
      </section>
      <section aria-labelledby="request-h">
        <h2 id="request-h">Request body</h2>
        <p class="hint">As received, with secrets and file contents redacted before it was stored.</p>
        ${l.request === null || l.request === undefined ? html`<p>No body.</p>` : html`<pre>${prettyJson(l.request)}</pre>`}
      </section>
      <section aria-labelledby="calls-h">
        <h2 id="calls-h">Outbound calls (${calls.length})</h2>
        ${calls.length ? calls.map((c, n) => callBlock(c, n + 1)) : html`<p>No call reached the ATS${l.error ? ': the request failed before atsgate contacted it' : ''}.</p>`}
      </section>`,
  });
}

export function messagePage(o: { accountId?: string; title: string; message: string }): string {
  return page({
    title: o.title,
    accountId: o.accountId,
    body: html`<h1>${o.title}</h1><p>${o.message}</p><p><a href="/dashboard">Back to the dashboard</a></p>`,
  });
}
