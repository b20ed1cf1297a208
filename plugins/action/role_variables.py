# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""tagwarden.panos.role_variables: warn about a mistyped role variable, which Ansible ignores."""


import difflib
import glob
import os
from typing import Any, Dict, Optional, Set

from ansible.plugins.action import ActionBase

#: The collection's roles, next to plugins/ (in a checkout and in an installed collection).
ROLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "roles")


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp: Any = None, task_vars: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        result = super(ActionModule, self).run(tmp, task_vars)
        _validation, args = self.validate_argument_spec(argument_spec=dict(
            role=dict(type="str", required=True),
            prefixes=dict(type="list", elements="str", required=True),
            known=dict(type="list", elements="str", default=[])))
        known = set(args["known"]) | self._role_options()
        prefixes = tuple(args["prefixes"])
        unknown = sorted(name for name in task_vars or {} if name.startswith(prefixes) and name not in known)
        candidates = sorted(name for name in known if name.startswith(prefixes))
        warnings = []
        for name in unknown:
            closest = difflib.get_close_matches(name, candidates, n=1)
            warnings.append("%s is not a variable of %s (nor of another role of tagwarden.panos) and is ignored%s"
                            % (name, args["role"], ": did you mean %s?" % closest[0] if closest else ""))
        result.update(changed=False, unknown=unknown)
        if warnings:
            result["warnings"] = warnings
        return result

    def _role_options(self) -> Set[str]:
        """Every option of every role of the collection (roles share prefixes: quota_, threat_feed_)."""
        options = set()  # type: Set[str]
        for path in glob.glob(os.path.join(ROLES, "*", "meta", "argument_specs.yml")):
            specs = self._loader.load_from_file(path) or {}
            for entry_point in (specs.get("argument_specs") or {}).values():
                options.update((entry_point or {}).get("options") or {})
        return options
