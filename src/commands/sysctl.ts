/** `sysctl` (procps-ng 4.0.2): read, -w, -n, -q, -a over a namespace's /proc/sys/net. */
import type { NetNs } from '../engine/linux/netns.ts';
import type { CommandOutput } from './types.ts';

export function runSysctl(args: string[], ns: NetNs): CommandOutput {
  let write = false;
  let valuesOnly = false;
  let quiet = false;
  let all = false;
  const items: string[] = [];
  for (const arg of args) {
    if (arg.startsWith('-') && arg.length > 1 && !arg.startsWith('--')) {
      for (const flag of arg.slice(1)) {
        if (flag === 'w') write = true;
        else if (flag === 'n') valuesOnly = true;
        else if (flag === 'q') quiet = true;
        else if (flag === 'a' || flag === 'A' || flag === 'X') all = true;
        else if (flag === 'e') continue;
        else return { stdout: '', stderr: `sysctl: invalid option -- '${flag}'\n${USAGE}`, exitCode: 1 };
      }
    } else if (arg === '--write') write = true;
    else if (arg === '--values') valuesOnly = true;
    else if (arg === '--quiet') quiet = true;
    else if (arg === '--all') all = true;
    else items.push(arg);
  }
  let stdout = '';
  let stderr = '';
  let exitCode = 0;
  const show = (key: string, value: string) => {
    if (!quiet) stdout += valuesOnly ? `${value}\n` : `${key} = ${value}\n`;
  };
  if (all) {
    for (const key of ns.sysctlKeys()) show(key, ns.readSysctl(key) ?? '');
    return { stdout, stderr, exitCode };
  }
  if (items.length === 0) return { stdout: '', stderr: USAGE, exitCode: 1 };
  for (const item of items) {
    const eq = item.indexOf('=');
    if (eq >= 0 || write) {
      if (eq < 0) {
        stderr += `sysctl: "${item}" must be of the form name=value\n`;
        exitCode = 1;
        continue;
      }
      const key = normalise(item.slice(0, eq));
      const value = item.slice(eq + 1);
      if (!ns.writeSysctl(key, value)) {
        stderr += `sysctl: cannot stat /proc/sys/${key.replaceAll('.', '/')}: No such file or directory\n`;
        exitCode = 255;
        continue;
      }
      show(key, ns.readSysctl(key) ?? value);
      continue;
    }
    const key = normalise(item);
    const value = ns.readSysctl(key);
    if (value === undefined) {
      stderr += `sysctl: cannot stat /proc/sys/${key.replaceAll('.', '/')}: No such file or directory\n`;
      exitCode = 255;
      continue;
    }
    show(key, value);
  }
  return { stdout, stderr, exitCode };
}

function normalise(key: string): string {
  return key.replaceAll('/', '.');
}

const USAGE = `
Usage:
 sysctl [options] [variable[=value] ...]

Options:
  -a, --all            display all variables
  -A                   alias of -a
  -X                   alias of -a
      --deprecated     include deprecated parameters to listing
  -b, --binary         print value without new line
  -e, --ignore         ignore unknown variables errors
  -N, --names          print variable names without values
  -n, --values         print only values of the given variable(s)
  -p, --load[=<file>]  read values from file
  -f                   alias of -p
      --system         read values from all system directories
  -r, --pattern <expression>
                       select setting that match expression
  -q, --quiet          do not echo variable set
  -w, --write          enable writing a value to variable
  -o                   does nothing
  -x                   does nothing
  -d                   alias of -h

 -h, --help     display this help and exit
 -V, --version  output version information and exit

For more details see sysctl(8).
`;
