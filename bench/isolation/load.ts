// A stand-in for the checker process under a heavy load, until LVS health
// checking exists: keepalived's HTTP_GET with a digest (check_http.c) for
// every real server, each checked once per delay_loop. A check connects
// (connect_timeout), sends keepalived's request, reads the answer until the
// server closes, parses the status line and headers, and feeds the body to
// MD5 as it comes, to compare with the digest; then it builds a result and
// keeps it in the server's history, the garbage a checker makes, and
// re-arms delay_loop from its end, as keepalived's http_connect_thread is
// re-armed. The figures: checks done, passed and failed so far.
import { createHash } from 'node:crypto';
import { connect } from 'node:net';

export interface LoadOptions {
  /** the real servers' address */
  readonly host: string;
  /** real server i listens on firstPort + i */
  readonly firstPort: number;
  readonly servers: number;
  /** keepalived's delay_loop, ms: each real server is checked once per delay_loop */
  readonly delayLoopMs: number;
  /** the MD5 the body must have (keepalived's `digest`, as genhash prints it) */
  readonly digest: string;
  readonly path?: string;
  /** keepalived's connect_timeout, ms (its default: 5 s) */
  readonly connectTimeoutMs?: number;
  /** results kept per real server */
  readonly history?: number;
}

export interface LoadCounters {
  /** checks finished, passed or failed */
  readonly checks: number;
  readonly passed: number;
  readonly failed: number;
}

export interface Load {
  counters(): LoadCounters;
  /** no new checks; resolves when those under way have ended */
  stop(): Promise<void>;
}

/** What a check found, as a checker would keep it for the status and the decision to pull a server. */
interface CheckResult {
  readonly server: number;
  readonly startedAt: number;
  readonly durationMs: number;
  readonly status: number | undefined;
  readonly headers: Readonly<Record<string, string>>;
  readonly bodyBytes: number;
  readonly digest: string | undefined;
  readonly passed: boolean;
  readonly error?: string;
}

/** check_http.c's request_template with HTTP/1.0 (keepalived's default http_protocol) */
const request = (path: string, host: string, port: number): string => `GET ${path} HTTP/1.0\r\nUser-Agent: KeepAliveClient\r\nHost: ${host}:${port}\r\n\r\n`;

/** The status line and headers of a response head (RFC 1945 §6). */
function parseHead(head: string): { status: number | undefined; headers: Record<string, string> } {
  const [statusLine = '', ...fields] = head.split('\r\n');
  const status = /^HTTP\/\d\.\d (\d{3})/.exec(statusLine)?.[1];
  const headers: Record<string, string> = {};
  for (const f of fields) {
    const colon = f.indexOf(':');
    if (colon > 0) headers[f.slice(0, colon).trim().toLowerCase()] = f.slice(colon + 1).trim();
  }
  return { status: status === undefined ? undefined : Number(status), headers };
}

const HEAD_END = Buffer.from('\r\n\r\n');

/** One HTTP_GET of one real server: the result, whether it passed or not. */
function checkOnce(o: LoadOptions, server: number): Promise<CheckResult> {
  const port = o.firstPort + server;
  const startedAt = Date.now();
  return new Promise((resolve) => {
    const md5 = createHash('md5');
    let head: Buffer | undefined = Buffer.alloc(0);
    let parsed: ReturnType<typeof parseHead> | undefined;
    let bodyBytes = 0;
    let settled = false;
    const finish = (error?: string): void => {
      if (settled) return;
      settled = true;
      socket.destroy();
      const digest = parsed ? md5.digest('hex') : undefined;
      const passed = error === undefined && parsed?.status === 200 && digest === o.digest;
      resolve({
        server,
        startedAt,
        durationMs: Date.now() - startedAt,
        status: parsed?.status,
        headers: parsed?.headers ?? {},
        bodyBytes,
        digest,
        passed,
        ...(error !== undefined && { error }),
      });
    };
    const socket = connect({ host: o.host, port });
    socket.setTimeout(o.connectTimeoutMs ?? 5000, () => finish('timeout'));
    socket.on('connect', () => socket.write(request(o.path ?? '/', o.host, port)));
    socket.on('data', (chunk: Buffer) => {
      if (head === undefined) {
        bodyBytes += chunk.length;
        md5.update(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf(HEAD_END);
      if (end < 0) return;
      parsed = parseHead(head.subarray(0, end).toString('latin1'));
      const body = head.subarray(end + HEAD_END.length);
      head = undefined;
      bodyBytes += body.length;
      md5.update(body);
    });
    socket.on('end', () => finish());
    socket.on('error', (e) => finish(e.message));
  });
}

export function startLoad(o: LoadOptions): Load {
  const keep = o.history ?? 64;
  const history: CheckResult[][] = Array.from({ length: o.servers }, () => []);
  const timers = new Set<NodeJS.Timeout>();
  const running = new Set<Promise<void>>();
  let stopped = false;
  let passed = 0;
  let failed = 0;

  const arm = (server: number, delayMs: number): void => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      const check = checkOnce(o, server).then((r) => {
        const past = history[server]!;
        past.push(r);
        if (past.length > keep) past.shift();
        if (r.passed) passed++;
        else failed++;
        running.delete(check);
        if (!stopped) arm(server, o.delayLoopMs);
      });
      running.add(check);
    }, delayMs);
    timers.add(timer);
  };
  // spread over the first delay_loop, so the checks come at an even rate rather than in one burst a second
  for (let s = 0; s < o.servers; s++) arm(s, (s * o.delayLoopMs) / o.servers);

  return {
    counters: () => ({ checks: passed + failed, passed, failed }),
    stop: async () => {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await Promise.all(running);
    },
  };
}
