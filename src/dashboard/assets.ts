/**
 * The dashboard's one stylesheet, served from atsgate itself (no CDN, no web fonts). Sized for
 * a 1366×768 laptop; focus is always visible; colours meet WCAG AA contrast on white.
 */
export const DASHBOARD_CSS = `
:root { --fg: #1b1f24; --muted: #57606a; --line: #d0d7de; --bg: #ffffff; --panel: #f6f8fa; --accent: #0a58ca; --ok: #116329; --bad: #b42318; --warn: #8a4b00; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--fg); background: var(--bg); }
a { color: var(--accent); }
:focus-visible { outline: 3px solid #ffbf47; outline-offset: 2px; box-shadow: 0 0 0 5px #1b1f24; }
.skip { position: absolute; left: -9999px; top: 0; background: #fff; padding: 8px 12px; z-index: 10; }
.skip:focus { left: 8px; top: 8px; }
.top { display: flex; align-items: center; gap: 24px; padding: 10px 24px; border-bottom: 1px solid var(--line); background: var(--panel); }
.brand { font-weight: 700; font-size: 18px; color: var(--fg); text-decoration: none; }
.nav { display: flex; gap: 6px; list-style: none; margin: 0; padding: 0; }
.nav a { display: inline-block; padding: 6px 12px; border-radius: 6px; text-decoration: none; color: var(--fg); }
.nav a[aria-current="page"] { background: #dde7f7; font-weight: 600; }
.nav a:hover { background: #e8eef7; }
.logout { margin-left: auto; display: flex; align-items: center; gap: 12px; }
.account { color: var(--muted); font-size: 14px; }
main { padding: 20px 24px 40px; max-width: 1320px; }
main:focus { outline: none; }
h1 { font-size: 22px; margin: 4px 0 16px; }
h2 { font-size: 17px; margin: 28px 0 10px; }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
caption { text-align: left; color: var(--muted); padding-bottom: 6px; }
th, td { text-align: left; padding: 7px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--panel); font-weight: 600; white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.nowrap { white-space: nowrap; }
td.path { word-break: break-all; min-width: 16em; }
td.code { word-break: break-word; max-width: 16em; }
.panel h2 { margin-top: 0; }
.tool { white-space: nowrap; display: flex; align-items: center; gap: 8px; }
.tool img { width: 22px; height: 22px; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; border: 1px solid currentColor; white-space: nowrap; }
.badge-ok { color: var(--ok); background: #e6f4ea; }
.badge-bad { color: var(--bad); background: #fdecea; }
.badge-warn { color: var(--warn); background: #fff4e0; }
.badge-neutral { color: var(--muted); background: var(--panel); }
button, .button { font: inherit; padding: 6px 14px; border-radius: 6px; border: 1px solid #1f4f9c; background: var(--accent); color: #fff; cursor: pointer; text-decoration: none; display: inline-block; }
button.secondary { background: #fff; color: var(--accent); }
.logout button { background: #fff; color: var(--fg); border-color: var(--line); padding: 4px 10px; }
form.filters { display: flex; flex-wrap: wrap; align-items: flex-end; gap: 12px; padding: 12px; background: var(--panel); border: 1px solid var(--line); border-radius: 8px; margin-bottom: 14px; }
form.filters div { display: flex; flex-direction: column; gap: 3px; }
label { font-size: 13px; font-weight: 600; }
input, select { font: inherit; padding: 5px 8px; border: 1px solid #8c959f; border-radius: 6px; background: #fff; color: var(--fg); }
.hint { color: var(--muted); font-size: 13px; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 6px 18px; margin: 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
.columns { display: grid; grid-template-columns: 1fr 1fr; gap: 24px; }
.panel { border: 1px solid var(--line); border-radius: 8px; padding: 14px 16px; }
pre { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 10px; overflow: auto; max-height: 320px; font-size: 13px; margin: 6px 0; white-space: pre-wrap; word-break: break-word; }
.error-box { border: 1px solid var(--bad); background: #fdecea; border-radius: 8px; padding: 12px 14px; margin: 12px 0; }
.error-box code { font-weight: 700; }
.notice { border: 1px solid #9ec5fe; background: #e7f1ff; border-radius: 8px; padding: 10px 14px; margin: 12px 0; }
.warn-box { border: 1px solid #e3b341; background: #fff8e1; border-radius: 8px; padding: 10px 14px; margin: 12px 0; }
.pager { display: flex; gap: 16px; align-items: center; margin-top: 12px; }
.call { border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; margin: 10px 0; }
.call h3 { font-size: 15px; margin: 0 0 6px; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; word-break: break-all; }
details summary { cursor: pointer; color: var(--accent); }
.login { max-width: 440px; margin: 60px auto; }
.login form { display: flex; flex-direction: column; gap: 10px; }
.mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 13px; }
.actions { display: flex; gap: 10px; margin: 10px 0; }
@media (max-width: 900px) { .columns { grid-template-columns: 1fr; } }
`;
