// The machine's floor for advert jitter (wakeup-floor.c), compiled once per
// benchmark run with the system's C compiler and run beside a measurement:
// the periods a bare C sleeper saw in the same seconds, on the same CPUs.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LATE_EXPIRY_MS } from '../src/vrrp/scheduler.js';

// beside this file in the source tree; this runs from dist/bench/
const SOURCE = fileURLToPath(new URL('../../bench/wakeup-floor.c', import.meta.url));

export interface WakeupFloor {
  /** the periods, ms, of a sleeper started now at `periodMs` for `seconds` */
  run(periodMs: number, seconds: number): Promise<number[]>;
  /** removes the program */
  close(): void;
}

/** Builds the sleeper; `sliceNs` gives it the scheduler slice tskad's VRRP process asks for. */
export function buildWakeupFloor(sliceNs?: number): WakeupFloor {
  const dir = mkdtempSync(join(tmpdir(), 'tskad-wakeup-floor-'));
  const program = join(dir, 'wakeup-floor');
  const cc = spawnSync('cc', ['-O2', '-o', program, SOURCE], { encoding: 'utf8' });
  if (cc.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`cc ${SOURCE}: ${cc.error?.message ?? cc.stderr}`);
  }
  const run = (periodMs: number, seconds: number): Promise<number[]> =>
    new Promise((resolve, reject) => {
      const args = [String(Math.round(periodMs * 1000)), String(seconds), String(LATE_EXPIRY_MS * 1000), ...(sliceNs === undefined ? [] : [String(sliceNs)])];
      const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
      child.on('error', reject);
      child.on('close', (code) => {
        if (code !== 0) reject(new Error(`wakeup-floor ${args.join(' ')} exited with ${code}`));
        else resolve(out.split('\n').filter((l) => l !== '').map((l) => Number(l) / 1000));
      });
    });
  return { run, close: () => rmSync(dir, { recursive: true, force: true }) };
}
