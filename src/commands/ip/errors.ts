import { ERRNO, KernelError } from '../../engine/linux/errors.ts';

/** A usage or lookup error that iproute2 reports with a message and an exit status. */
export class IpError extends Error {
  readonly exitCode: number;

  constructor(message: string, exitCode = 1) {
    super(message);
    this.exitCode = exitCode;
  }
}

export function usage(message: string, exitCode = 255): never {
  throw new IpError(message, exitCode);
}

/** How iproute2 prints a failed netlink request: the extack message, else strerror. */
export function describeKernelError(error: KernelError): { message: string; exitCode: number } {
  if (error.errno === 'ENODEV' && error.extack?.startsWith('Cannot find device'))
    return { message: error.extack, exitCode: 1 };
  if (error.extack) return { message: `Error: ${error.extack}.`, exitCode: 2 };
  return { message: `RTNETLINK answers: ${ERRNO[error.errno]}`, exitCode: 2 };
}

export { KernelError };
