# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The connection every layer types against (``FirewallConnection`` is the implementation)."""

from __future__ import annotations


import datetime
import xml.etree.ElementTree as ET
from typing import Any, Dict, Mapping, Optional, Protocol, Sequence, Union


class Connection(Protocol):
    """One firewall's XML API for one module run: requests, jobs, the clock, the request count."""

    api_calls: int

    @property
    def where(self) -> str: ...

    def request(self, params: Mapping[str, str], what: Optional[str] = None, check: bool = True) -> ET.Element: ...

    def op(self, cmd_element: ET.Element, vsys: Optional[str] = None) -> ET.Element: ...

    def user_id(self, uid_message: ET.Element, vsys: Optional[str] = None) -> ET.Element: ...

    def config(self, action: str, xpath: str,
               element: Optional[Union[ET.Element, Sequence[ET.Element]]] = None, **extra: Optional[str]) -> ET.Element: ...

    def clock(self) -> datetime.datetime: ...

    def run_job(self, params: Mapping[str, str], timeout: Optional[float] = 300, interval: float = 1.0) -> ET.Element: ...

    def commit_partial(self, admin: str, description: Optional[str] = None, timeout: float = 600,
                       interval: float = 2.0) -> Dict[str, Any]: ...
