# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment(object):
    """The options of the Lumu Defender API source (argument spec: module_utils/_feeds/_specs.py)."""

    DOCUMENTATION = r"""
options:
  lumu:
    description:
      - The Lumu Defender API source, used with O(source=lumu). Incidents come from C(POST /incidents/all)
        in a time window, their indicators from each adversary's context (C(threat_triggers), else the
        incident's C(adversaries)).
      - The window starts at O(lumu.from), else O(lumu.hours) back, else at the cursor kept on the firewall
        (append mode), else 30 days back; it ends at the firewall's clock.
    type: dict
    suboptions:
      base_url:
        description: The API's base URL.
        type: str
        default: https://defender.lumu.io/api
      company_key:
        description:
          - The company key, sent as the C(key) query parameter. Never shown in output or errors.
        type: str
        required: true
      hours:
        description: Start the window this many hours back. Mutually exclusive with O(lumu.from).
        type: int
      from:
        description: Start the window here (C(YYYY-MM-DDTHH:MM:SS.000Z)). Mutually exclusive with O(lumu.hours).
        type: str
      adversary_types:
        description: Only incidents of these adversary types (spelled as Lumu does). Omitted means all.
        type: list
        elements: str
        choices: [C2C, Malware, DGA, Mining, Spam, Phishing, Anonymizer]
      statuses:
        description: Only incidents with these statuses. Omitted means all three.
        type: list
        elements: str
        choices: [open, muted, closed]
      page_items:
        description: Incidents per page (1 to 100).
        type: int
        default: 100
      window_days:
        description: The longest window one request asks for; longer windows are split.
        type: int
        default: 30
"""
