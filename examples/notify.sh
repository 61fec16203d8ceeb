#!/bin/bash
# notify.sh: mails a VRRP state change. keepalived runs it with the state as
# its only argument, as configured in lvs-dr-master.conf / lvs-dr-backup.conf:
#   notify_master "/etc/keepalived/notify.sh master"
#   notify_backup "/etc/keepalived/notify.sh backup"
#   notify_fault  "/etc/keepalived/notify.sh fault"
# Install it as /etc/keepalived/notify.sh, owned by root, mode 0755: with
# enable_script_security keepalived refuses a script others could modify.
# It needs a working `mail` command (bsd-mailx or mailutils).
# Adapted from an operator guide's example script.

vip=198.51.100.100
contact='root@localhost'

notify() {
    mailsubject="$(hostname) to be $1: $vip floating"
    mailbody="$(date +'%F %H:%M:%S'): vrrp transition, $(hostname) changed to be $1"
    echo "$mailbody" | mail -s "$mailsubject" "$contact"
}

case "$1" in
    master|backup|fault)
        notify "$1"
        # start or stop services that must follow the VIP here, e.g.
        # systemctl start haproxy.service on master, stop it otherwise
        exit 0
        ;;
    *)
        echo "Usage: $(basename "$0") {master|backup|fault}" >&2
        exit 1
        ;;
esac
