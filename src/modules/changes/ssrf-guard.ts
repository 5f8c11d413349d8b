import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

/** Whether an address is public: not loopback, private, link-local, unique-local, or otherwise reserved. */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  }
  return parsed.range() === 'unicast';
}

export class PrivateAddressError extends Error {
  readonly code = 'PPT_PRIVATE_ADDRESS';
}

/**
 * Why a webhook URL may not be delivered to, or null: not http(s), credentials in it, or a host
 * that is (or resolves to) a loopback, private, link-local or unique-local address.
 */
export async function webhookUrlProblem(raw: string, allowPrivate: boolean): Promise<string | null> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'url must be an absolute http or https URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'url must be http or https';
  if (url.username !== '' || url.password !== '') return 'url must not carry credentials';
  if (allowPrivate) return null;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  if (isIP(host) !== 0) {
    addresses = [host];
  } else {
    try {
      addresses = (
        await new Promise<LookupAddress[]>((resolve, reject) =>
          dnsLookup(host, { all: true }, (error, found) => (error ? reject(error) : resolve(found))),
        )
      ).map((found) => found.address);
    } catch {
      return `url's host ${host} does not resolve`;
    }
  }
  const blocked = addresses.find((address) => !isPublicAddress(address));
  return blocked === undefined
    ? null
    : `url's host resolves to ${blocked}, a loopback, private, link-local or unique-local address`;
}

/**
 * A DNS lookup for outgoing deliveries that refuses private addresses at connection time, so a
 * name that resolved to a public address at registration cannot be pointed at the inside later.
 */
export function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, found) => {
      if (error) return callback(error, '', 0);
      const addresses = found;
      const blocked = allowPrivate ? undefined : addresses.find((address) => !isPublicAddress(address.address));
      if (blocked !== undefined) {
        return callback(
          new PrivateAddressError(`${hostname} resolves to a private address (${blocked.address})`),
          '',
          0,
        );
      }
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      return callback(null, addresses[0].address, addresses[0].family);
    });
  };
}
