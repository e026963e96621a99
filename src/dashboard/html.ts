/**
 * Building blocks of the dashboard's server-rendered pages: escaping (every value that reaches
 * HTML goes through `esc`, or through the `html` tag which escapes its interpolations), the
 * page frame with its landmarks, and small formatters.
 */

/** A fragment that is already safe HTML (so `html` does not escape it again). */
export class Safe {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export function esc(v: unknown): string {
  return String(v ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

type Part = Safe | string | number | null | undefined | false | Part[];

function render(p: Part): string {
  if (p === null || p === undefined || p === false) return '';
  if (Array.isArray(p)) return p.map(render).join('');
  if (p instanceof Safe) return p.value;
  return esc(p);
}

/** Template tag: interpolated values are escaped unless they are `Safe` (or arrays of them). */
export function html(strings: TemplateStringsArray, ...values: Part[]): Safe {
  let out = strings[0];
  values.forEach((v, i) => (out += render(v) + strings[i + 1]));
  return new Safe(out);
}

/** "2024-05-01 12:34:56 UTC": one unambiguous zone for everyone reading the same log. */
export function when(d: Date | string | null | undefined): string {
  if (!d) return '—';
  const t = new Date(d);
  if (Number.isNaN(t.getTime())) return '—';
  return t
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC');
}

export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** JSON for a <pre>, cut at `max` characters so one huge body cannot swamp the page. */
export function prettyJson(v: unknown, max = 20_000): string {
  let text: string;
  try {
    text = typeof v === 'string' ? v : (JSON.stringify(v, null, 2) ?? '');
  } catch {
    text = String(v);
  }
  return text.length > max ? `${text.slice(0, max)}\n… (${text.length - max} more characters not shown)` : text;
}

/** Outcome as text and colour (the text carries the meaning; colour only helps). */
export function badge(kind: string, label = kind): Safe {
  const tone = /^(SUCCESS|SUCCEEDED|ACTIVE|COMPLETED)$/.test(kind)
    ? 'ok'
    : /^(ERROR|FAILED|INVALID)$/.test(kind)
      ? 'bad'
      : /^(UNKNOWN)$/.test(kind)
        ? 'warn'
        : 'neutral';
  return html`<span class="badge badge-${tone}">${label}</span>`;
}

export interface Frame {
  title: string;
  /** Which navigation entry is current. */
  section?: 'integrations' | 'logs';
  /** Logged-in account; absent on the login page. */
  accountId?: string;
  body: Safe;
}

export function page(f: Frame): string {
  const nav = f.accountId
    ? html`<nav aria-label="Dashboard">
        <ul class="nav">
          <li><a href="/dashboard" ${f.section === 'integrations' ? new Safe('aria-current="page"') : ''}>Integrations</a></li>
          <li><a href="/dashboard/logs" ${f.section === 'logs' ? new Safe('aria-current="page"') : ''}>Logs</a></li>
        </ul>
      </nav>
      <form method="post" action="/dashboard/logout" class="logout">
        <span class="account">Account <strong>${f.accountId}</strong></span>
        <button type="submit">Log out</button>
      </form>`
    : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(f.title)} · atsgate dashboard</title>
<link rel="stylesheet" href="/dashboard/assets/dashboard.css">
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top">
<a class="brand" href="/dashboard">atsgate</a>
${render(nav)}
</header>
<main id="main" tabindex="-1">
${f.body.value}
</main>
</body>
</html>`;
}
