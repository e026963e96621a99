/**
 * An account's view of the Prometheus exposition: only samples labelled with one of its own
 * integration ids, and the HELP/TYPE lines of the families that keep a sample. Everything
 * else (deployment-wide counts, other accounts' integrations) is left out, so a tenant's key
 * learns nothing about other tenants, not even how many there are.
 */
const INTEGRATION_LABEL = /[{,]integration_id="((?:[^"\\]|\\.)*)"/;

export function scopeToIntegrations(exposition: string, integrationIds: ReadonlySet<string>): string {
  const kept: string[] = [];
  let header: string[] = [];
  let family = '';
  for (const line of exposition.split('\n')) {
    const meta = /^# (?:HELP|TYPE) (\S+)/.exec(line);
    if (meta) {
      if (meta[1] !== family) header = [];
      family = meta[1];
      header.push(line);
      continue;
    }
    const m = INTEGRATION_LABEL.exec(line);
    if (!m || !integrationIds.has(m[1].replace(/\\(.)/g, '$1'))) continue;
    kept.push(...header, line);
    header = [];
  }
  return kept.length ? kept.join('\n') + '\n' : '';
}
