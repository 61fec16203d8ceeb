// A logger whose messages a test can read, in order.
import { createLogger, type Logger } from '../../../src/observe/log.js';

export function captureLog(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  const json = { write: (record: string) => void lines.push(String((JSON.parse(record) as { msg: unknown }).msg)) };
  return { log: createLogger({ json, detail: true }), lines };
}
