# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment(object):

    DOCUMENTATION = r"""
options:
  register_on:
    description:
      - Where the tags are registered.
      - V(firewall) registers them on the firewall the provider reaches, directly or, with
        O(provider.serial_number), through Panorama. A hub firewall that redistributes its tags to
        other firewalls is reached this way too.
      - V(panorama) registers them once in Panorama's own User-ID table - O(provider.ip_address) is
        Panorama's, and O(provider.serial_number), if given (the P(tagwarden.panos.panorama#inventory)
        inventory gives every firewall one), is not used. PAN-OS 10.0 and later redistribute them, with
        their timeouts and unregistrations, to every firewall that takes Panorama as a redistribution
        agent for IP tags (C(Device > Data Redistribution > Agents); M(tagwarden.panos.redistribution_agent)
        sets it up). Firewalls that do not take it see nothing. Run such a task once per Panorama
        (C(run_once=true) in a play over the firewalls, or a play on C(localhost)), not once per firewall.
      - The registrations are sent without O(vsys) then (Panorama has no virtual systems); each
        firewall puts them in the vsys whose redistribution agent takes them.
      - See the fleet guide (docs/fleet.md) for when to choose which.
    type: str
    choices: [firewall, panorama]
    default: firewall
"""
