// A real SMTP relay for the alert tests: Debian's python3-aiosmtpd with a
// handler that appends each message it accepts to a JSON-lines file.
import { spawnSync } from 'node:child_process';

export const PYTHON = '/usr/bin/python3';

/** Written as recorder.py beside the file; run as `python3 -m aiosmtpd -c recorder.Recorder FILE`. */
export const RECORDER = `
import json
class Recorder:
    def __init__(self, path):
        self.path = path
    @classmethod
    def from_cli(cls, parser, path):
        return cls(path)
    async def handle_DATA(self, server, session, envelope):
        with open(self.path, 'a') as f:
            f.write(json.dumps({'helo': session.host_name, 'from': envelope.mail_from, 'to': envelope.rcpt_tos,
                                'data': envelope.content.decode('utf8', 'replace')}) + '\\n')
        return '250 OK'
`;

/** Fails the test, saying what to install, when aiosmtpd is missing. */
export function requireAiosmtpd(): void {
  if (spawnSync(PYTHON, ['-c', 'import aiosmtpd']).status !== 0) throw new Error('the SMTP tests need aiosmtpd: apt-get install python3-aiosmtpd');
}
