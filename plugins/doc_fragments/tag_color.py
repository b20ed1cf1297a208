# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment(object):
    """The colour of the tag a module creates (argument spec: _ansible._options.TAG_COLOR)."""

    DOCUMENTATION = r"""
options:
  tag_color:
    description:
      - The colour of the tag O(tag), by the name the PAN-OS GUI shows (the names
        C(paloaltonetworks.panos) takes), one of V(red), V(green), V(blue), V(yellow), V(copper), V(orange),
        V(purple), V(gray), V(light green), V(cyan), V(light gray), V(blue gray), V(lime), V(black),
        V(gold), V(brown), V(olive), V(maroon), V(red-orange), V(yellow-orange), V(forest green),
        V(turquoise blue), V(azure blue), V(cerulean blue), V(midnight blue), V(medium blue),
        V(cobalt blue), V(violet blue), V(blue violet), V(medium violet), V(medium rose), V(lavender),
        V(orchid), V(thistle), V(peach), V(salmon), V(magenta), V(red violet), V(mahogany),
        V(burnt sienna), V(chestnut).
      - The XML form (C(color1) ... C(color42)) is refused, naming the colour it stands for.
      - A different colour on an existing tag is a change (shown in diff mode); the same is none.
    type: str
    default: red
"""
