/** The addresses a TCP port is listened on, from /proc/net/tcp and tcp6 (Linux). */
import { readFileSync } from 'node:fs';

const ipv4 = (hex: string): string =>
  [3, 2, 1, 0].map((i) => parseInt(hex.slice(i * 2, i * 2 + 2), 16)).join('.');

/** An IPv6 address of /proc/net/tcp6 (four little-endian 32-bit words), in a short readable form. */
const ipv6 = (hex: string): string => {
  const bytes: string[] = [];
  for (let w = 0; w < 4; w++) {
    const word = hex.slice(w * 8, w * 8 + 8);
    for (let b = 3; b >= 0; b--) bytes.push(word.slice(b * 2, b * 2 + 2));
  }
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(String(parseInt(bytes[i]! + bytes[i + 1]!, 16)));
  if (groups.slice(0, 5).every((g) => g === '0') && groups[5] === String(0xffff)) {
    // An IPv4 address on an IPv6 socket (Java listens so): the IPv4 address it stands for.
    return `${parseInt(bytes[12]!, 16)}.${parseInt(bytes[13]!, 16)}.${parseInt(bytes[14]!, 16)}.${parseInt(bytes[15]!, 16)}`;
  }
  if (groups.every((g) => g === '0')) return '::';
  if (groups.slice(0, 7).every((g) => g === '0') && groups[7] === '1') return '::1';
  return groups.map((g) => Number(g).toString(16)).join(':');
};

/** Every local address with a socket in LISTEN state on `port`. */
export function listeningAddresses(port: number): string[] {
  const found: string[] = [];
  for (const [file, decode] of [
    ['/proc/net/tcp', ipv4],
    ['/proc/net/tcp6', ipv6],
  ] as const) {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const row of text.split('\n').slice(1)) {
      const cols = row.trim().split(/\s+/);
      if (cols.length < 4 || cols[3] !== '0A') continue; // 0A = LISTEN
      const [addr, portHex] = cols[1]!.split(':');
      if (parseInt(portHex!, 16) === port) found.push(decode(addr!));
    }
  }
  return found;
}
