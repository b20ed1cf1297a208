#!/bin/sh
# One quota cycle on every firewall of the inventory, for cron (docs/quota.md, "Every minute from cron").
#   install -m 0755 <collection>/playbooks/cron/quota-cycle.sh /usr/local/bin/quota-cycle
#   quota-cycle -i inventory.yml --vault-password-file /etc/tagwarden/vault-pass
# The arguments go to `ansible-playbook tagwarden.panos.quota_cycle`. Settings from the environment:
#   TAGWARDEN_HOME    where it runs, with the inventory and ansible.cfg (default /opt/tagwarden)
#   TAGWARDEN_VENV    the virtualenv of ansible-playbook and requirements.txt (default $TAGWARDEN_HOME/venv)
#   QUOTA_CYCLE_LOCK  the lock that keeps two cycles apart (default /run/lock/quota-cycle.lock)
# Exit status: ansible-playbook's (0 done, 2 a firewall failed or was unreachable, ...). A run that
# finds the previous cycle still holding the lock is skipped: one line in the log, exit status 0.
set -eu
home="${TAGWARDEN_HOME:-/opt/tagwarden}"
cd "$home"
# YAML results print the status lines as they are (JSON would double each backslash: acme\\alice).
export ANSIBLE_CALLBACK_RESULT_FORMAT="${ANSIBLE_CALLBACK_RESULT_FORMAT:-yaml}"
# An inventory that cannot be read (Panorama's password rotated) fails the run instead of finding no host.
export ANSIBLE_INVENTORY_UNPARSED_FAILED="${ANSIBLE_INVENTORY_UNPARSED_FAILED:-true}"
status=0
flock -n -E 75 "${QUOTA_CYCLE_LOCK:-/run/lock/quota-cycle.lock}" \
    "${TAGWARDEN_VENV:-$home/venv}/bin/ansible-playbook" tagwarden.panos.quota_cycle "$@" || status=$?
if [ "$status" -eq 75 ]; then
    echo "$(date '+%Y/%m/%d %H:%M:%S') quota cycle skipped: the previous cycle still holds the lock"
    exit 0
fi
exit "$status"
