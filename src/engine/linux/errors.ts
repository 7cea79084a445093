/**
 * Errors the kernel returns to a netlink request: an errno, and sometimes an extended ack message.
 * iproute2 prints `Error: <extack>.` when there is one, else `RTNETLINK answers: <strerror>`.
 */
export const ERRNO = {
  EPERM: 'Operation not permitted',
  ENOENT: 'No such file or directory',
  ESRCH: 'No such process',
  ENODEV: 'No such device',
  EEXIST: 'File exists',
  EINVAL: 'Invalid argument',
  ENETUNREACH: 'Network is unreachable',
  EHOSTUNREACH: 'No route to host',
  EADDRNOTAVAIL: 'Cannot assign requested address',
  EBUSY: 'Device or resource busy',
  ENOBUFS: 'No buffer space available',
  EOPNOTSUPP: 'Operation not supported',
  EACCES: 'Permission denied',
  ENOTSUP: 'Not supported',
  ENETDOWN: 'Network is down',
  ECONNREFUSED: 'Connection refused',
  ECONNRESET: 'Connection reset by peer',
  ETIMEDOUT: 'Connection timed out',
  EADDRINUSE: 'Address already in use',
} as const;

export type Errno = keyof typeof ERRNO;

export class KernelError extends Error {
  readonly errno: Errno;
  readonly extack: string | undefined;

  constructor(errno: Errno, extack?: string) {
    super(extack ?? ERRNO[errno]);
    this.errno = errno;
    this.extack = extack;
  }
}

export function fail(errno: Errno, extack?: string): never {
  throw new KernelError(errno, extack);
}
