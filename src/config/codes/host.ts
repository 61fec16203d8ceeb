// Codes reported by the host checks (src/config/hostcheck.ts): what `-t`
// finds when it holds the configuration against this machine — interfaces,
// script programs, users, and keepalived's script security rules.
import { codes } from './define.js';

export const HOST_CODES = codes({
  TSKAD_E_NO_SUCH_INTERFACE: {
    severity: 'error',
    summary: 'an interface named in the configuration does not exist on this host',
    help: "keepalived refuses to run an instance whose interface, a tracked interface, or the dev of an address or route does not exist (\"WARNING - interface … doesn't exist\"; `keepalived -t` exits 5), and so does tskad. Check the name with `ip link`. If the interface is created after the daemon starts (a VLAN, a bond, a tunnel), set `dynamic_interfaces` in global_defs.",
  },
  TSKAD_E_LOOPBACK_INTERFACE: {
    severity: 'error',
    summary: 'a vrrp_instance on a loopback interface',
    help: 'keepalived refuses a loopback interface for VRRP ("cannot use a loopback interface (lo) for vrrp - ignoring") and ignores the instance; so does tskad. Give the interface that faces the other routers.',
  },
  TSKAD_F_NO_SUCH_INTERFACE: {
    severity: 'fatal',
    summary: 'linkbeat_interfaces or interface_up_down_delays names an interface that does not exist',
    help: 'keepalived treats these as fatal (`keepalived -t` exits 4 when nothing else is wrong), and so does tskad. Check the name with `ip link`, or set `dynamic_interfaces` in global_defs if the interface is created after the daemon starts.',
  },
  TSKAD_E_SCRIPT_SYNTAX: {
    severity: 'error',
    summary: 'a script command that cannot be split into words: empty, an unterminated quote, or a trailing backslash',
    help: 'keepalived splits a script command into words itself (quotes and backslash escapes inside the quoted command count again), and ignores a command it cannot split; tskad reports it and ignores it too. The whole command is one configuration word, so quote it once and use the other kind of quote inside: `notify_master "/path/notify.sh \'two words\'"`.',
  },
  TSKAD_I_SCRIPT_SHELL: {
    severity: 'info',
    summary: 'a script command in shell syntax, run through /bin/sh -c or /bin/bash -c',
    help: 'keepalived runs script commands without a shell, so operators such as `&&`, `|`, `>` and `$VAR` reach the program as literal arguments and the command silently does something else. tskad runs such a command through /bin/sh -c, or through /bin/bash -c when it uses syntax only bash has (`[[`, `&>`, `<(`, brace expansion): Debian\'s /bin/sh is dash, where `cmd &> /dev/null` puts cmd in the background and succeeds at once. Plain commands are still executed directly, exactly as keepalived does.',
  },
  TSKAD_I_SCRIPT_PATH_SEARCH: {
    severity: 'info',
    summary: 'a script command given by bare name, found on PATH',
    help: 'keepalived searches PATH for a command without a \'/\' and logs "WARNING - script resolved by path search … Please specify full path"; tskad does the same search. Give the full path to be independent of the environment the daemon is started with.',
  },
  TSKAD_W_SCRIPT_NOT_FOUND: {
    severity: 'warning',
    testExit: 0,
    summary: 'a script program that does not exist',
    help: 'The program named by a script command (or the shell a shell-syntax command needs) cannot be found, so the script is disabled, as keepalived disables it ("Cannot find script … - disabling"). A tracked vrrp_script that is disabled no longer affects its instances. Fix the path or install the program.',
  },
  TSKAD_E_SCRIPT_NOT_EXECUTABLE: {
    severity: 'error',
    summary: 'a script program that the user running it cannot execute',
    help: 'The file exists but is not a regular file, or lacks the execute permission for the user (and group) the script runs as, so the script is disabled, as keepalived disables it. Usually `chmod 755 FILE` fixes it; check `script_user` and the script\'s own user too.',
  },
  TSKAD_E_SCRIPT_NO_INTERPRETER: {
    severity: 'error',
    summary: 'a script file that is neither a #! script nor a binary',
    help: 'The kernel cannot execute a text file without a `#!` line. keepalived (built without libmagic, as Debian builds it) then logs nothing and counts the script as successful every time. Add a first line such as `#!/bin/sh`.',
  },
  TSKAD_E_SCRIPT_INSECURE: {
    severity: 'error',
    summary: 'a script run as root from a file or directory that a non-root user can write',
    help: 'keepalived\'s script security rule (lib/notify.c): a script that runs as root (or as group root, or is setuid root) is insecure when its file, or any directory on its path, is not owned by root, or is writable by a group other than root or by everyone (a directory with the sticky bit, such as /tmp, is exempt). Any local user able to write there can run commands as root. With enable_script_security the script is disabled; without it, it runs anyway. The message names the component and the command that fixes it, e.g. `chmod go-w /etc/keepalived`.',
  },
  TSKAD_W_SCRIPT_SECURITY_OFF: {
    severity: 'warning',
    testExit: 6,
    summary: 'scripts are configured but enable_script_security is off',
    help: 'Without enable_script_security, scripts run whatever the ownership and permissions of their files, and keepalived logs "SECURITY VIOLATION - scripts are being executed but script_security not enabled"; `keepalived -t` then exits with 6, and so does `tskad -t`. Add `enable_script_security` to global_defs. It also changes the default script user to keepalived_script, so give `script_user root` (or a user per script) when the scripts need root.',
  },
  TSKAD_E_SCRIPT_USER_UNKNOWN: {
    severity: 'error',
    summary: 'a script user or group that does not exist on this host',
    help: 'A script\'s own `USER [GROUP]`, or global_defs `script_user`, names an account that the system cannot resolve, so the scripts it applies to are disabled, as keepalived disables them. Create the account or fix the name (`getent passwd NAME`).',
  },
  TSKAD_E_SCRIPT_DEFAULT_USER: {
    severity: 'error',
    summary: 'enable_script_security is set, no script_user is given, and the user keepalived_script does not exist',
    help: 'With enable_script_security, scripts without their own user run as keepalived_script, never silently as root. keepalived reports "Unable to set default user keepalived_script for script" and disables those scripts. Create the user (`useradd --system --no-create-home --shell /usr/sbin/nologin keepalived_script`), or set `script_user` in global_defs (`script_user root` for scripts that need root).',
  },
});
