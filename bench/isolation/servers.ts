// The real servers the stand-in checker load (load.ts) checks: one TCP
// listener per real server, each answering any request with the same small
// page over HTTP/1.0 and closing, as a web server behind an LVS director
// answers keepalived's HTTP_GET. The page is fixed by its size, so the
// checker knows its MD5 digest (genhash's figure) without asking.
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:net';

export interface RealServersOptions {
  readonly host: string;
  /** real server i listens on firstPort + i */
  readonly firstPort: number;
  readonly count: number;
  /** the page's body, bytes */
  readonly bodyBytes: number;
}

export interface Page {
  readonly body: Buffer;
  /** MD5 of the body in hex: keepalived's HTTP_GET `digest` */
  readonly digest: string;
}

/** The page every real server serves: printable text, the same for a given size. */
export function realServerPage(bodyBytes: number): Page {
  const line = Buffer.from('<p>tskad bench real server: all is well.</p>\n');
  const body = Buffer.alloc(bodyBytes);
  for (let at = 0; at < bodyBytes; at += line.length) line.copy(body, at);
  return { body, digest: createHash('md5').update(body).digest('hex') };
}

export interface RealServers {
  close(): Promise<void>;
}

export async function serveRealServers(o: RealServersOptions): Promise<RealServers> {
  const page = realServerPage(o.bodyBytes);
  const response = Buffer.concat([Buffer.from(`HTTP/1.0 200 OK\r\nServer: tskad-bench\r\nContent-Type: text/html\r\nContent-Length: ${page.body.length}\r\n\r\n`), page.body]);
  const servers: Server[] = [];
  for (let i = 0; i < o.count; i++) {
    const server = createServer((socket) => {
      let request = '';
      // a reset by a checker that gave up is its business, not the server's
      socket.on('error', () => undefined);
      socket.on('data', (chunk) => {
        request += chunk.toString('latin1');
        // RFC 1945 §4.1: the request ends with an empty line; then the answer, and the server closes (HTTP/1.0)
        if (request.includes('\r\n\r\n')) socket.end(response);
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: o.host, port: o.firstPort + i, backlog: 511 }, resolve);
    });
    servers.push(server);
  }
  return {
    close: async () => {
      await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
    },
  };
}
