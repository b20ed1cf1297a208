# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""XPath quoting and XML element helpers for PAN-OS XML API requests.

Every request element is built with :mod:`xml.etree.ElementTree` so that names and values are
escaped by the XML library; names that reach an xpath predicate go through
:func:`xpath_literal`. Nothing here imports Ansible.
"""

from __future__ import annotations


import xml.etree.ElementTree as ET
from typing import Any, Iterable, List, Optional, Sequence, Union

from ansible_collections.tagwarden.panos.plugins.module_utils._errors import InputError

DEVICE_XPATH = "/config/devices/entry[@name='localhost.localdomain']"
SHARED_XPATH = "/config/shared"

ElementOrList = Union[ET.Element, Sequence[ET.Element]]


class XPathQuoteError(InputError):
    """A name cannot be written as an XPath 1.0 string literal."""


def xpath_literal(name: str) -> str:
    """Quote ``name`` as an XPath string literal for a predicate such as ``[@name=...]``.

    Names without ``'`` are put in single quotes (what PAN-OS itself writes), names with ``'``
    in double quotes. XPath 1.0 has no escape inside a literal and PAN-OS has no ``concat()``,
    so a name holding both quote characters is refused.
    """
    if not isinstance(name, str):
        raise XPathQuoteError("name %r is not a string" % (name,))
    if "'" not in name:
        return "'" + name + "'"
    if '"' not in name:
        return '"' + name + '"'
    raise XPathQuoteError(
        "the name `%s` contains both ' and \" and cannot be used in a PAN-OS xpath "
        "(XPath 1.0 has no escape and PAN-OS has no concat()); rename the object so that it "
        "uses at most one kind of quote" % (name,)
    )


def vsys_xpath(vsys: Optional[str] = "vsys1") -> str:
    """Root xpath of a vsys; ``None`` or ``'shared'`` give the shared root."""
    if vsys is None or vsys == "shared":
        return SHARED_XPATH
    return DEVICE_XPATH + "/vsys" + "/entry[@name=" + xpath_literal(vsys) + "]"


def entry_xpath(base: str, name: str) -> str:
    """``base/entry[@name='name']`` with the name quoted by :func:`xpath_literal`."""
    return base.rstrip("/") + "/entry[@name=" + xpath_literal(name) + "]"


def element(tag: str, text: Optional[str] = None, **attrib: str) -> ET.Element:
    """A new element with optional text and attributes (attribute values must be strings)."""
    node = ET.Element(tag, {k.replace("_", "-"): v for k, v in attrib.items()})
    if text is not None:
        node.text = text
    return node


def sub(parent: ET.Element, tag: str, text: Optional[str] = None, **attrib: str) -> ET.Element:
    """Append a child element to ``parent`` and return it (``_`` in attribute names -> ``-``)."""
    node = ET.SubElement(parent, tag, {k.replace("_", "-"): v for k, v in attrib.items()})
    if text is not None:
        node.text = text
    return node


def members(parent: ET.Element, tag: str, values: Iterable[str]) -> ET.Element:
    """Append ``<tag><member>v</member>...</tag>`` to ``parent`` and return the list element."""
    node = ET.SubElement(parent, tag)
    for value in values:
        ET.SubElement(node, "member").text = value
    return node


def cmd(*path: str, text: Optional[str] = None) -> ET.Element:
    """A nested operational command: ``cmd('show', 'clock')`` is ``<show><clock/></show>``.

    ``text`` becomes the text of the innermost element:
    ``cmd('show', 'jobs', 'id', text='12')`` is ``<show><jobs><id>12</id></jobs></show>``.
    """
    if not path:
        raise ValueError("cmd() needs at least one element name")
    root = ET.Element(path[0])
    node = root
    for name in path[1:]:
        node = ET.SubElement(node, name)
    if text is not None:
        node.text = text
    return root


def innermost(root: ET.Element) -> ET.Element:
    """The deepest first-child of ``root`` (where a command built by :func:`cmd` ends)."""
    node = root
    while len(node):
        node = node[0]
    return node


def to_string(node: ElementOrList) -> str:
    """Serialize an element, or a list of sibling elements, to a unicode string."""
    if isinstance(node, ET.Element):
        return ET.tostring(node, encoding="unicode")
    return "".join(ET.tostring(n, encoding="unicode") for n in node)


def texts(node: Optional[ET.Element], path: str) -> List[str]:
    """Text of every element matching ``path`` below ``node`` (empty strings for empty elements)."""
    if node is None:
        return []
    return [(n.text or "") for n in node.findall(path)]


def text(node: Optional[ET.Element], path: str, default: Optional[str] = None) -> Optional[str]:
    """Text of the first element matching ``path`` below ``node``, else ``default``."""
    if node is None:
        return default
    found = node.find(path)
    if found is None:
        return default
    return found.text if found.text is not None else ""


def stripped(node: Any, path: str) -> Optional[str]:
    """Stripped text of the child at ``path``; None when it is missing or empty (works for lxml too)."""
    child = node.find(path)
    value = (child.text or "").strip() if child is not None else ""
    return value or None


def shown(node: Any) -> str:
    """An entry as ``<entry> src='10.0.0.5', bytes='12x'`` for error messages (works for lxml too)."""
    return "<%s> %s" % (node.tag, ", ".join("%s=%r" % (child.tag, child.text) for child in node))


def check_success(reply: Any, what: str) -> None:
    """ValueError naming the status and message of a reply that is not a success."""
    status = reply.get("status")
    if reply.tag == "response" and status != "success":
        message = " ".join(line.strip() for line in reply.itertext() if line.strip())
        raise ValueError("the firewall answered the %s request with status %r: %s" % (what, status, message or "(no message)"))
