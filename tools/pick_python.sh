#!/bin/sh
# Print the Python interpreter the development environment is made with: the newest Python that the
# newest supported ansible-core runs on (3.12 and newer), found as a working `python3.X` command or in
# pyenv's versions directory (pyenv's shim fails for a version that is installed but not enabled).
# Without one, fall back to `python3` and say what that costs. Usage: pick_python.sh [fallback]
fallback=${1:-python3}
# pyenv's root even when pyenv is not on PATH (a non-login shell, CI)
pyenv_root=$(pyenv root 2>/dev/null || echo "${PYENV_ROOT:-$HOME/.pyenv}")
for minor in 14 13 12; do
    if command -v "python3.$minor" >/dev/null 2>&1 && "python3.$minor" -c '' >/dev/null 2>&1; then
        command -v "python3.$minor"
        exit 0
    fi
    for candidate in "$pyenv_root"/versions/3."$minor".*/bin/python3."$minor"; do
        if [ -x "$candidate" ] && "$candidate" -c '' >/dev/null 2>&1; then
            echo "$candidate"
            exit 0
        fi
    done
done
echo "No Python 3.12 or newer found (as python3.1x or under pyenv): using $fallback; pip then installs" \
     "the newest ansible-core that Python supports, not the newest one the collection supports." >&2
echo "$fallback"
