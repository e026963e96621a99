/**
 * Downloads a caller-supplied `data_url` without becoming a proxy into our network: http(s)
 * only; the host is resolved once and the connection pinned to that address (no DNS
 * rebinding between check and use); loopback, private, link-local and metadata ranges are
 * refused unless the operator allows them; every redirect hop is checked again; size and time
 * are limited while streaming, so an endless body costs at most `maxBytes`. The body goes to a
 * temporary file as it arrives (never whole in memory); the caller owns that file.
 */
import { lookup } from 'node:dns/promises';
import { isIP, BlockList } from 'node:net';
import { networkInterfaces } from 'node:os';
import { Agent, request } from 'undici';
import { AtsgateError, inputInvalid } from '../errors.ts';
import { redactUrl } from '../logs/redact.ts';
import type { CallRecorder } from './client.ts';
import { TempFile } from '../uploads/temp-files.ts';

export interface DownloadOptions {
  maxBytes: number;
  timeoutMs: number;
  allowPrivate: boolean;
  maxRedirects?: number;
  recorder?: CallRecorder;
  /**
   * Seams for tests, which can only serve from loopback: how a host name resolves (default:
   * the system resolver) and which addresses are refused (default: isBlockedAddress). They let
   * a test make "allowed.test" reach a loopback server whose redirect points at a blocked one.
   */
  resolve?: (hostname: string) => Promise<{ address: string; family: number }>;
  isBlocked?: (address: string) => boolean;
}

/** `file` is finished (complete on disk) and the caller's to dispose(); its size is `file.size`. */
export interface Downloaded {
  file: TempFile;
  contentType: string | null;
}

// Two lists: node's BlockList matches an IPv4 address against IPv6 rules as if it were
// ::ffff:a.b.c.d, so one shared list holding ::ffff:0:0/96 refused EVERY IPv4 address.
const blockedV4 = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
  // Documentation ranges (RFC 5737): never a real public host, but machines (and containers) do use them.
  ['192.0.2.0', 24],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
] as const)
  blockedV4.addSubnet(net, prefix, 'ipv4');
const blockedV6 = new BlockList();
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['64:ff9b::', 96],
  ['2001:db8::', 32], // documentation (RFC 3849)
] as const) {
  blockedV6.addSubnet(net, prefix, 'ipv6');
}
const mappedV4 = new BlockList();
mappedV4.addSubnet('::ffff:0:0', 96, 'ipv6');

export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return blockedV4.check(address, 'ipv4');
  if (family === 6) {
    // IPv4-mapped (::ffff:a.b.c.d, also spelled ::ffff:7f00:1): judge the IPv4 address inside.
    if (mappedV4.check(address, 'ipv6')) {
      const groups = new URL(`http://[${address}]/`).hostname.slice(1, -1).split(':');
      const [hi, lo] = groups.slice(-2).map((g) => parseInt(g, 16));
      return blockedV4.check(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`, 'ipv4');
    }
    return blockedV6.check(address, 'ipv6');
  }
  return true;
}

/** The same address in one spelling: IPv6 lower-cased and compressed, IPv4-mapped IPv6 as IPv4. */
function canonicalAddress(address: string): string {
  const family = isIP(address);
  if (family !== 6) return address;
  const host = new URL(`http://[${address}]/`).hostname.slice(1, -1);
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(host);
  if (!mapped) return host;
  const [hi, lo] = [parseInt(mapped[1], 16), parseInt(mapped[2], 16)];
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

/**
 * The machine's own addresses, on every interface. A public address of this host is still
 * this host: a data_url pointing at it would reach any service listening on all interfaces.
 * Interfaces come and go (DHCP, containers, VPNs), so the list is read again when older than
 * a second rather than once at start.
 */
function addressesOf(interfaces: ReturnType<typeof networkInterfaces>): Set<string> {
  const out = new Set<string>();
  for (const list of Object.values(interfaces)) for (const i of list ?? []) out.add(canonicalAddress(i.address.split('%')[0]));
  return out;
}
let own: { at: number; addresses: Set<string> } | undefined;
export function isOwnAddress(address: string, interfaces?: ReturnType<typeof networkInterfaces>): boolean {
  if (interfaces) return addressesOf(interfaces).has(canonicalAddress(address));
  if (!own || Date.now() - own.at > 1000) own = { at: Date.now(), addresses: addressesOf(networkInterfaces()) };
  return own.addresses.has(canonicalAddress(address));
}

/** What a data_url may not reach: private and reserved ranges, and this machine's own addresses. */
export function isBlockedAddress(address: string): boolean {
  return isPrivateAddress(address) || isOwnAddress(address);
}

async function resolvePinned(hostname: string, opts: DownloadOptions): Promise<{ address: string; family: number }> {
  const host = hostname.replace(/^\[|\]$/g, '');
  let resolved: { address: string; family: number };
  try {
    resolved = isIP(host) ? { address: host, family: isIP(host) } : await (opts.resolve ?? ((h) => lookup(h, { verbatim: true })))(host);
  } catch {
    throw inputInvalid(`attachment.data_url: the host "${hostname}" could not be resolved.`);
  }
  if (!opts.allowPrivate && (opts.isBlocked ?? isBlockedAddress)(resolved.address)) {
    throw inputInvalid(
      `attachment.data_url: the host "${hostname}" resolves to a private or reserved address, or one of this server's own, which is not allowed.`,
    );
  }
  return resolved;
}

export async function downloadDataUrl(rawUrl: string, opts: DownloadOptions): Promise<Downloaded> {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw inputInvalid('attachment.data_url must be an absolute http(s) URL.');
  }
  const deadline = AbortSignal.timeout(opts.timeoutMs);
  for (let hop = 0; hop <= (opts.maxRedirects ?? 5); hop++) {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw inputInvalid('attachment.data_url must use http or https.');
    if (url.username || url.password) throw inputInvalid('attachment.data_url must not contain credentials.');
    const pinned = await resolvePinned(url.hostname, opts);
    // One agent per hop, whose DNS lookup always answers the address we checked.
    const agent = new Agent({
      connect: {
        lookup: (_host, _o, cb) => (cb as any)(null, [{ address: pinned.address, family: pinned.family }]),
        servername: isIP(url.hostname) ? undefined : url.hostname,
      },
    });
    const started = performance.now();
    const call = {
      method: 'GET',
      url: redactUrl(url.toString()),
      status: null as number | null,
      duration_ms: 0,
      attempt: 1,
      error: undefined as string | undefined,
    };
    try {
      const res = await request(url, { method: 'GET', dispatcher: agent, signal: deadline, headers: { accept: '*/*' } });
      call.status = res.statusCode;
      if (res.statusCode >= 300 && res.statusCode < 400 && res.headers.location) {
        await res.body.dump();
        url = new URL(String(res.headers.location), url);
        continue;
      }
      if (res.statusCode !== 200) {
        await res.body.dump().catch(() => undefined);
        throw inputInvalid(`attachment.data_url could not be downloaded: the server answered HTTP ${res.statusCode}.`);
      }
      const declared = Number(res.headers['content-length'] ?? NaN);
      if (declared > opts.maxBytes) {
        res.body.destroy();
        throw tooLarge(opts.maxBytes);
      }
      const file = new TempFile();
      try {
        for await (const chunk of res.body) {
          if (file.size + chunk.length > opts.maxBytes) {
            res.body.destroy();
            throw tooLarge(opts.maxBytes);
          }
          await file.write(chunk);
        }
        await file.finish();
      } catch (err) {
        await file.dispose(); // no partial file is left behind
        throw err;
      }
      const ct = res.headers['content-type'];
      const contentType = typeof ct === 'string' ? ct.split(';')[0].trim().toLowerCase() || null : null;
      return { file, contentType };
    } catch (err) {
      call.error = err instanceof Error ? err.message : String(err);
      if (err instanceof AtsgateError) throw err;
      if (deadline.aborted) throw inputInvalid(`attachment.data_url could not be downloaded within ${opts.timeoutMs} ms.`);
      throw inputInvalid(`attachment.data_url could not be downloaded: ${(err as any)?.cause?.code ?? (err as Error).message}.`);
    } finally {
      call.duration_ms = Math.round(performance.now() - started);
      opts.recorder?.record(call);
      void agent.close().catch(() => undefined);
    }
  }
  throw inputInvalid('attachment.data_url redirected too many times.');
}

const tooLarge = (max: number) =>
  new AtsgateError('PLATFORM.INPUT_INVALID', `attachment.data_url: the file is larger than the limit of ${max} bytes.`, { status: 413 });
