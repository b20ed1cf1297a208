# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""How many registered IP addresses a platform holds, and the check made before writing.

Figures from Palo Alto Networks' "Use Dynamic Address Groups in Policy" (max registered IP addresses
per model). A network or range registered as one entry counts as one registered IP.
"""

from __future__ import annotations


import re
from typing import Dict, Optional, Tuple

from ansible_collections.tagwarden.panos.plugins.module_utils._errors import InputError

REGISTERED_IP_CAPACITY = {
    "PANORAMA": 500000, "M-SERIES": 500000,
    "PA-5200": 500000, "PA-5400": 500000, "VM-7000 SMC-B": 500000,
    "VM-500": 300000, "VM-700": 300000,
    "PA-3200": 200000, "PA-3430": 200000, "PA-3440": 200000, "VM-300": 200000,
    "PA-3410": 150000, "PA-3420": 150000,
    "PA-7000": 100000, "PA-5450": 100000, "PA-450": 100000, "PA-460": 100000,
    "PA-440": 50000,
    "PA-850": 2500, "VM-100": 2500,
    "PA-820": 1000, "PA-410": 1000, "PA-220": 1000, "VM-50": 1000,
}  # type: Dict[str, int]
_SERIES = re.compile(r"^PA-(\d)(\d)\d\d$")
OPTION = "max_registered_ips"


class CapacityError(InputError):
    """The registrations would not fit the platform; the message names the numbers."""


def platform_key(model: str) -> Tuple[str, Optional[int]]:
    """The table's name for ``model`` (PA-5220 -> PA-5200, PA-VM-50 -> VM-50, M-600 -> M-SERIES) and its figure."""
    name = model.strip().upper().replace("PA-VM-", "VM-")
    if name.startswith("M-") and name[2:].isdigit():
        name = "M-SERIES"
    if name in REGISTERED_IP_CAPACITY:
        return name, REGISTERED_IP_CAPACITY[name]
    match = _SERIES.match(name)
    if match:  # a model of a series listed as a whole: PA-5220 is a PA-5200, PA-7080 a PA-7000
        series = "PA-%s%s00" % match.groups()
        if series in REGISTERED_IP_CAPACITY:
            return series, REGISTERED_IP_CAPACITY[series]
    return name, None


def check_capacity(total: int, model: Optional[str] = None, limit: Optional[int] = None) -> Optional[int]:
    """Raise CapacityError when ``total`` registrations exceed ``limit`` (or the model's figure); the limit used.

    ``limit`` (the user's ``max_registered_ips``) wins over the model's figure; with neither the
    check cannot be made and None is returned.
    """
    given = limit is not None
    name = model or "this platform"
    if limit is None and model:
        name, limit = platform_key(model)
    if limit is None:
        return None
    if total > limit:
        raise CapacityError(
            "%s registered IP entries are wanted but %s holds at most %s (each address, network or range is one "
            "entry): remove %s indicators from the feed, or set %s if this platform holds more"
            % (_number(total), "the limit %s=%s" % (OPTION, _number(limit)) if given else name, _number(limit),
               _number(total - limit), OPTION))
    return limit


def _number(value: int) -> str:
    return "{:,}".format(value)
