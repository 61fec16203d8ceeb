// Cutting a router's link at a known instant: its bridge port is set down by
// one `ip -batch` kept running in the switch namespace, fed a line per cut.
// Starting `ip` for each cut, as the lab's linkDown does, puts 2.5–20 ms
// (measured here, 2 cores) between the timestamp and the kernel's carrier
// loss; a line to a waiting `ip` takes 0.2–0.4 ms (`ip -ts monitor link`).
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { wallClock } from '../../src/lab/command.js';
import { killQuietly } from '../../src/lab/process.js';

export interface PortSwitch {
  /** sets the bridge port down or up; returns the time taken right before the command went to ip */
  set(port: string, state: 'down' | 'up'): number;
  close(): void;
}

export function portSwitch(switchNs: string): PortSwitch {
  // -n switches ip itself into the namespace: the lab's teardown finds and kills it there too
  const ip = spawn('ip', ['-n', switchNs, '-batch', '-'], { stdio: ['pipe', 'ignore', 'pipe'] });
  ip.on('error', () => undefined);
  const errors: string[] = [];
  createInterface({ input: ip.stderr! }).on('line', (l) => errors.push(l));
  let exited = false;
  ip.on('exit', () => (exited = true));
  return {
    set: (port, state) => {
      if (exited || errors.length) throw new Error(`ip -batch in ${switchNs}: ${errors.join('; ') || 'exited'}`);
      const at = wallClock();
      ip.stdin!.write(`link set ${port} ${state}\n`);
      return at;
    },
    close: () => {
      ip.stdin!.end();
      if (ip.pid !== undefined && !exited) killQuietly(ip.pid, 'SIGKILL');
    },
  };
}
