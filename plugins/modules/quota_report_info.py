#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


DOCUMENTATION = r"""
module: quota_report_info
short_description: Read bandwidth usage per address and user from a PAN-OS firewall
version_added: 0.1.0
description:
  - With O(source=report), runs the saved custom report O(report_name) as an asynchronous job
    and polls it until it finishes. The report sums bytes per source address and source user
    over the last 15 minutes of traffic summary data, which the firewall aggregates in
    15-minute buckets, so its figures change only at :00, :15, :30 and :45.
  - With O(source=traffic_log), sums the bytes of the traffic logs received in the last
    O(minutes) minutes of the firewall's clock, reading 5000 logs per request, for minute-level
    accuracy at the cost of more requests.
  - A report that does not exist fails with a message naming the bootstrap that creates it, the
    playbook C(tagwarden.panos.quota_bootstrap) (C(ansible-playbook tagwarden.panos.quota_bootstrap))
    or the role of the same name.
  - Only reads; never changes the firewall.
author:
  - tagwarden developers (@tagwarden)
extends_documentation_fragment:
  - tagwarden.panos.vsys
  - tagwarden.panos.connection
  - tagwarden.panos.attributes
  - tagwarden.panos.attributes.info_module
options:
  report_name:
    description:
      - The saved custom report (type traffic summary, aggregated by source address and source user, values bytes).
    type: str
    default: Quota
  source:
    description:
      - V(report) runs the saved custom report; V(traffic_log) sums traffic logs.
    type: str
    choices: [report, traffic_log]
    default: report
  minutes:
    description:
      - With O(source=traffic_log), how many minutes back from the firewall's clock to sum.
    type: int
    default: 15
  job_timeout:
    description:
      - Seconds to wait for each report or log job to finish.
    type: int
    default: 120
"""

EXAMPLES = r"""
- name: Usage over the last 15-minute bucket
  tagwarden.panos.quota_report_info:
    provider: "{{ firewall }}"
  register: usage

- name: Usage over the last 5 minutes, from the traffic logs
  tagwarden.panos.quota_report_info:
    provider: "{{ firewall }}"
    source: traffic_log
    minutes: 5
"""

RETURN = r"""
rows:
  description: Bytes per source address and user.
  returned: success
  type: list
  elements: dict
  contains:
    ip:
      description: The source address.
      type: str
      returned: always
    user:
      description: The source user, or null when User-ID did not know one.
      type: str
      returned: always
    bytes:
      description: Bytes sent and received.
      type: int
      returned: always
  sample: [{ip: 10.0.0.5, user: "acme\\bob", bytes: 123456}]
window:
  description: The time range counted (firewall-local, C(YYYY/MM/DD HH:MM:SS)).
  returned: success
  type: dict
  contains:
    start:
      description: First second counted.
      type: str
      returned: always
    end:
      description: Last second counted.
      type: str
      returned: always
  sample: {start: "2026/11/22 09:45:00", end: "2026/11/22 09:59:59"}
firewall_time:
  description: The firewall's clock when the module ran (C(YYYY/MM/DD HH:MM:SS)).
  returned: success
  type: str
  sample: "2026/11/22 10:00:03"
api_calls:
  description: HTTP requests made to the firewall by this task.
  returned: always
  type: int
  sample: 4
"""

from ansible_collections.tagwarden.panos.plugins.module_utils._ansible._module import firewall_module, run_task
from ansible_collections.tagwarden.panos.plugins.module_utils._ansible._options import VSYS, merge
from ansible_collections.tagwarden.panos.plugins.module_utils._quota._usage import usage


def main():
    module = firewall_module(merge(
        VSYS,
        report_name=dict(type="str", default="Quota"),
        source=dict(type="str", choices=["report", "traffic_log"], default="report"),
        minutes=dict(type="int", default=15),
        job_timeout=dict(type="int", default=120),
    ))
    p = module.params
    run_task(module, lambda conn: usage(conn, source=p["source"], report_name=p["report_name"], vsys=p["vsys"],
                                        minutes=p["minutes"], job_timeout=p["job_timeout"]))


if __name__ == "__main__":
    main()
