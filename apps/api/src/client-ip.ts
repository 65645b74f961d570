import type http from 'node:http';
import { BlockList, isIP } from 'node:net';

/**
 * The client's address. Without trusted proxies it is the socket's peer, whatever the request's
 * headers say. With them (`TRUSTED_PROXIES`), X-Forwarded-For is read from the right: each trusted
 * hop's entry names the hop before it, and the first address that is not a trusted proxy is the
 * client. Entries a client wrote itself sit further left and are never reached, so they cannot
 * choose the address its rate limits are counted under.
 */
export function clientIpResolver(trustedProxies: string): (req: http.IncomingMessage) => string | undefined {
  const entries = trustedProxies
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  if (entries.length === 0) return (req) => req.socket.remoteAddress;
  const trusted = new BlockList();
  for (const entry of entries) {
    const [address = '', bits] = entry.split('/');
    const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) trusted.addAddress(address, type);
    else trusted.addSubnet(address, Number(bits), type);
  }
  const isTrusted = (ip: string) => {
    const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip)?.[1];
    const address = mapped ?? ip;
    return trusted.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4');
  };
  return (req) => {
    let ip = req.socket.remoteAddress;
    if (!ip) return undefined;
    const header = req.headers['x-forwarded-for'];
    const hops = (Array.isArray(header) ? header.join(',') : (header ?? ''))
      .split(',')
      .map((h) => h.trim())
      .filter((h) => h !== '');
    while (isTrusted(ip) && hops.length > 0) {
      const previous = hops.pop()!;
      // A hop that is not an address (a misconfigured proxy): count the request under the proxy.
      if (isIP(previous) === 0) break;
      ip = previous;
    }
    return ip;
  };
}
