"""``python medallion_server.py DATA_FILE STATE_DIR``: medallion (the OASIS TAXII 2.1 server) over HTTPS.

Memory backend seeded from DATA_FILE, user ``reader``/``reader-pass``, a private CA from the
emulator's certificate helper in STATE_DIR; prints ``{"port", "ca_file"}`` when ready.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from medallion import application_instance, register_blueprints, set_config
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from double_server.tls import make_certificates  # noqa: E402  # pylint: disable=wrong-import-position

USERS = {"reader": "reader-pass"}


def main(data_file: str, state_dir: str) -> None:
    config = {"users": USERS, "taxii": {"max_page_size": 100},
              "backend": {"module": "medallion.backends.memory_backend", "module_class": "MemoryBackend",
                          "filename": data_file}}
    for name in ("users", "taxii", "backend"):
        set_config(application_instance, name, config)
    register_blueprints(application_instance)
    tls = make_certificates(Path(state_dir))
    server = make_server("127.0.0.1", 0, application_instance, threaded=True, ssl_context=tls.server_context())
    sys.stdout.write(json.dumps({"port": server.server_port, "ca_file": str(tls.ca_file)}) + "\n")
    sys.stdout.flush()
    server.serve_forever()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
