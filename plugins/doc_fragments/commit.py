# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment(object):
    """The commit options of the modules that change the configuration."""

    DOCUMENTATION = r"""
options:
  commit:
    description:
      - Commit when the configuration changed - a partial commit of O(commit_admin)'s changes only, so
        other administrators' pending changes stay pending - and wait for the job.
    type: bool
    default: true
  commit_admin:
    description:
      - The admin whose changes are committed. Defaults to O(provider.username) when a password is given;
        with only O(provider.api_key) the key's owner is unknown, so it is required for a commit.
    type: str
"""
