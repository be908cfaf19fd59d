/** SFTP attributes and `ls -l` style long names for S3-backed entries. */
import type { Attributes, FileEntry } from 'ssh2';

const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const FILE_MODE = S_IFREG | 0o644;
const DIR_MODE = S_IFDIR | 0o755;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const SIX_MONTHS_MS = 182 * 24 * 3600 * 1000;

export function attributes(type: 'file' | 'dir', size: number, mtime: Date): Attributes {
  const seconds = Math.floor(mtime.getTime() / 1000);
  return {
    mode: type === 'dir' ? DIR_MODE : FILE_MODE,
    uid: 0,
    gid: 0,
    size: type === 'dir' ? 0 : size,
    atime: seconds,
    mtime: seconds,
  };
}

function permissions(mode: number): string {
  const type = (mode & S_IFDIR) === S_IFDIR ? 'd' : '-';
  const bits = 'rwxrwxrwx'
    .split('')
    .map((ch, i) => (mode & (1 << (8 - i)) ? ch : '-'))
    .join('');
  return type + bits;
}

/** `ls -l` time: month, day and time within six months, else month, day and year (UTC). */
function lsTime(date: Date, now: Date): string {
  const month = MONTHS[date.getUTCMonth()] ?? 'Jan';
  const day = String(date.getUTCDate()).padStart(2, ' ');
  const recent = Math.abs(now.getTime() - date.getTime()) < SIX_MONTHS_MS;
  const tail = recent
    ? `${String(date.getUTCHours()).padStart(2, '0')}:${String(date.getUTCMinutes()).padStart(2, '0')}`
    : String(date.getUTCFullYear()).padStart(5, ' ');
  return `${month} ${day} ${tail}`;
}

/** A directory entry with an OpenSSH-like long name (clients read the type from its first letter). */
export function fileEntry(
  name: string,
  attrs: Attributes,
  owner: string,
  now: Date = new Date(),
): FileEntry {
  const longname = [
    permissions(attrs.mode),
    '   1',
    owner.padEnd(8, ' '),
    owner.padEnd(8, ' '),
    String(attrs.size).padStart(8, ' '),
    lsTime(new Date(attrs.mtime * 1000), now),
    name,
  ].join(' ');
  return { filename: name, longname, attrs };
}
