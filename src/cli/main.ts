/**
 * The atsgate command line: `atsgate serve`, and the operator tasks (integrations, keys,
 * syncs) against the same database the server uses.
 */
import { parseArgs } from 'node:util';
import { loadConfig, ConfigError } from '../config.ts';
import { openRuntime, startServer } from '../server.ts';
import { DEFAULT_ACCOUNT, createApiKey, listApiKeys, revokeApiKey } from '../store/keys.ts';
import { getIntegrationById, listIntegrations } from '../store/integrations.ts';
import { countRecords } from '../store/records.ts';
import { connectIntegration } from '../integrations/service.ts';
import { startSync, type SyncProgress } from '../sync/run.ts';
import { connectors } from '../connectors/registry.ts';
import { AtsgateError } from '../errors.ts';
import { accountWebhookDestinations, clearAccountWebhookDestination, setAccountWebhookDestination } from '../webhooks/destinations.ts';
import { RotationError, commitKeyFile, discardStagedKeyFile, parseNewSecret, rotateCredentials, stageKeyFile } from '../crypto/rotate.ts';

const HELP = `atsgate — open-source unified ATS API (Kombo-compatible)

Usage:
  atsgate serve                                    start the HTTP server
  atsgate integrations create <tool> --name <organisation> --credentials '<json>'
                          [--base-url <url>] [--account <id>] [--email <creator email>]
  atsgate integrations list [--account <id>]
  atsgate sync <integration id> [--delta]          run a sync now, with progress
  atsgate keys create [--account <id>] [--name <label>]
  atsgate keys list
  atsgate keys revoke <key id>
  atsgate webhooks set --account <id> --url <url> --secret <secret>
                                                   the account's own webhook receiver (its events only)
  atsgate webhooks clear --account <id>            back to ATSGATE_WEBHOOK_URL
  atsgate webhooks list
  atsgate tools                                     list the ATSs atsgate can connect to
  atsgate migrate                                   apply database migrations
  atsgate secrets rotate --new-secret <64 hex>      re-encrypt all credentials with a new key

Configuration comes from the environment (PORT, HOST, ATSGATE_DATA_DIR, DATABASE_URL,
ATSGATE_API_KEY, ATSGATE_SECRET, ...; see the README). With the embedded database, stop the
server before running other commands, or use DATABASE_URL.`;

/** Every option of every command (node's util.parseArgs: `--name value` and `--name=value`). */
const OPTIONS = {
  account: { type: 'string' },
  name: { type: 'string' },
  credentials: { type: 'string' },
  'base-url': { type: 'string' },
  email: { type: 'string' },
  'new-secret': { type: 'string' },
  url: { type: 'string' },
  secret: { type: 'string' },
  delta: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The command's words and options; an unknown or malformed option is an error, never ignored. */
function parse(argv: string[]) {
  const { positionals, values } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  return { args: positionals, flags: values };
}

function progressBar(): (p: SyncProgress) => void {
  const tty = process.stderr.isTTY;
  let last = 0;
  const spin = '⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏';
  let n = 0;
  return (p) => {
    const now = Date.now();
    if (!tty && now - last < 2000) return;
    last = now;
    const line = `${tty ? spin[n++ % spin.length] : '-'} syncing ${p.model.padEnd(12)} ${String(p.read).padStart(8)} records`;
    process.stderr.write(tty ? `\r${line}` : `${line}\n`);
  };
}

export async function main(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (err) {
    // ERR_PARSE_ARGS_UNKNOWN_OPTION, ..._INVALID_OPTION_VALUE: node's message names the option.
    console.error(`${(err as Error).message}\n\n${HELP}`);
    return 2;
  }
  const { args, flags } = parsed;
  const [cmd, sub] = args;
  if (!cmd || cmd === 'help' || flags.help) {
    console.log(HELP);
    return 0;
  }
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      return 2;
    }
    throw err;
  }

  if (cmd === 'serve') {
    const started = await startServer(config, { logger: config.logLevel === 'silent' ? false : { level: config.logLevel } });
    console.log(
      `atsgate listening on ${started.url} (database: ${started.db.kind === 'pglite' ? `embedded, in ${config.dataDir}` : 'PostgreSQL'})`,
    );
    if (!config.apiKey)
      console.log('No ATSGATE_API_KEY set: create a key with `atsgate keys create` (or set ATSGATE_API_KEY) to call the API.');
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      console.log(`${signal}: finishing in-flight requests, then stopping.`);
      await started.close();
      process.exit(0);
    };
    process.on('SIGTERM', () => void stop('SIGTERM'));
    process.on('SIGINT', () => void stop('SIGINT'));
    return -1; // keep running
  }

  if (cmd === 'tools') {
    for (const c of connectors.values())
      console.log(`${c.definition.id.padEnd(16)} ${c.definition.label.padEnd(18)} ${c.definition.capabilities.resultLinks.summary}`);
    return 0;
  }

  const rt = await openRuntime(config);
  try {
    const account = flags.account ?? DEFAULT_ACCOUNT;
    switch (`${cmd} ${sub ?? ''}`.trim()) {
      case 'migrate':
        console.log('Database is up to date.');
        return 0;
      case 'integrations create': {
        const tool = args[2];
        const name = flags.name;
        const credsRaw = flags.credentials;
        if (!tool || !name || !credsRaw) {
          console.error("Usage: atsgate integrations create <tool> --name <organisation> --credentials '<json>'");
          return 2;
        }
        let credentials: Record<string, unknown>;
        try {
          credentials = JSON.parse(credsRaw);
        } catch {
          console.error('--credentials must be a JSON object, e.g. \'{"api_key":"..."}\'');
          return 2;
        }
        const i = await connectIntegration(rt, {
          accountId: account,
          tool,
          organizationName: name,
          credentials,
          baseUrl: flags['base-url'],
          creatorEmail: flags.email,
          waitForSync: true,
          onProgress: progressBar(),
        });
        process.stderr.write('\n');
        const counts = await countRecords(rt.db, i.id);
        console.log(
          `Created ${i.id} (${i.setup_status}): ${counts.jobs} jobs, ${counts.candidates} candidates, ${counts.applications} applications.`,
        );
        return 0;
      }
      case 'integrations list': {
        const rows = await listIntegrations(rt.db, flags.account ? account : undefined);
        if (!rows.length) console.log('No integrations.');
        for (const i of rows) {
          const c = await countRecords(rt.db, i.id);
          console.log(
            `${i.id.padEnd(40)} ${i.status.padEnd(8)} ${i.setup_status.padEnd(18)} ${i.organization_name} — ${c.candidates} candidates, ${c.applications} applications, ${c.jobs} jobs; last sync ${i.last_sync_ended_at ? new Date(i.last_sync_ended_at).toISOString() : 'never'}`,
          );
        }
        return 0;
      }
      case `sync ${sub}`: {
        if (!sub || !(await getIntegrationById(rt.db, sub))) {
          console.error(`No integration "${sub ?? ''}". List them with: atsgate integrations list`);
          return 2;
        }
        const s = await startSync(rt, sub, flags.delta ? 'DELTA' : 'FULL', progressBar());
        if (s.alreadyRunning) {
          console.log(`A sync of ${sub} is already running (${s.syncId}).`);
          return 0;
        }
        const stats = await s.done;
        process.stderr.write('\n');
        console.log(
          `${stats.type} sync ${s.syncId} done in ${stats.duration_ms} ms: read ${JSON.stringify(stats.read)}, changed ${JSON.stringify(stats.changed)}, deleted ${JSON.stringify(stats.deleted)}.`,
        );
        return 0;
      }
      case 'keys create': {
        const k = await createApiKey(rt.db, account, flags.name ?? null);
        console.log(`Key ${k.id} for account "${account}" (shown once, store it now):\n${k.key}`);
        return 0;
      }
      case 'keys list':
        for (const k of await listApiKeys(rt.db))
          console.log(`${k.id.padEnd(26)} ${k.account_id.padEnd(16)} ${k.prefix}…  ${k.name ?? ''}${k.revoked_at ? '  (revoked)' : ''}`);
        return 0;
      case `keys revoke`: {
        const id = args[2];
        if (!id) {
          console.error('Usage: atsgate keys revoke <key id>');
          return 2;
        }
        const done = await revokeApiKey(rt.db, id);
        console.log(done ? `Revoked ${id}.` : `No active key ${id}.`);
        return done ? 0 : 1;
      }
      case 'webhooks set': {
        if (!flags.account || !flags.url || !flags.secret) {
          console.error('Usage: atsgate webhooks set --account <id> --url <url> --secret <secret (16+ characters)>');
          return 2;
        }
        try {
          await setAccountWebhookDestination(rt, flags.account, flags.url, flags.secret);
        } catch (err) {
          if (!(err instanceof AtsgateError)) throw err;
          console.error(err.message);
          return 2;
        }
        console.log(`Account "${flags.account}" now receives its webhook events at ${flags.url}.`);
        return 0;
      }
      case 'webhooks clear': {
        const done = await clearAccountWebhookDestination(rt, account);
        console.log(
          done ? `Account "${account}" is back on ATSGATE_WEBHOOK_URL.` : `Account "${account}" had no webhook receiver of its own.`,
        );
        return 0;
      }
      case 'webhooks list':
        for (const w of await accountWebhookDestinations(rt)) console.log(`${w.account_id.padEnd(16)} ${w.url}`);
        return 0;
      case 'secrets rotate': {
        const secret = flags['new-secret'];
        if (!secret) {
          console.error('Usage: atsgate secrets rotate --new-secret <64 hex characters>   (generate one with: openssl rand -hex 32)');
          return 2;
        }
        let newBox;
        try {
          newBox = parseNewSecret(secret);
        } catch (err) {
          console.error((err as Error).message);
          return 2;
        }
        const embeddedKey = !config.secret;
        if (embeddedKey) stageKeyFile(config.dataDir, secret);
        let r;
        try {
          r = await rotateCredentials(rt.db, rt.box, newBox);
        } catch (err) {
          if (embeddedKey) discardStagedKeyFile(config.dataDir);
          if (!(err instanceof RotationError)) throw err;
          console.error(err.message);
          return 1;
        }
        console.log(
          `Re-encrypted the credentials of ${r.resealed} integration(s) with key ${r.newKeyId} (${r.alreadyCurrent} already used it).`,
        );
        if (embeddedKey) {
          const { file, backup } = commitKeyFile(config.dataDir);
          console.log(`Wrote the new key to ${file}; the old key is in ${backup}: delete it once the server runs with the new key.`);
        } else {
          // The secret is not echoed: stdout may end up in a log.
          console.log(
            'Now set ATSGATE_SECRET to the value you passed to --new-secret, then restart the server: it can no longer read credentials with the old one.',
          );
        }
        return 0;
      }
      default:
        console.error(`Unknown command "${args.join(' ')}".\n\n${HELP}`);
        return 2;
    }
  } catch (err) {
    if (err instanceof AtsgateError) {
      console.error(`${err.code}: ${err.message}`);
      return 1;
    }
    throw err;
  } finally {
    await rt.db.close();
  }
}
