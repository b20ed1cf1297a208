"""tagwarden.panos.dag_register against the emulator.

Three ways in: the module's main() in-process (``dag``, most behaviour), pytest-ansible's module
runner (in-process TaskQueueManager, the dynamic_address_group and dag_info helpers), and
``ansible-playbook`` (marked ``playbook``: module_defaults, -vvvv without secrets). The emulator's
counters check how many API requests each run made.
"""

from __future__ import annotations

import datetime
import json
import re
import ssl
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from tests.integration.ansible_cli import panos_env, playbook

MODULE = "tagwarden.panos.dag_register"
HOSTILE = "a'b\"<c>&"


# -- helpers --------------------------------------------------------------------------------------

def registered(xapi: Any, tag: str = "quota") -> dict[str, set[str]]:
    """What the emulator holds, read with pan-python (independent of our code)."""
    xapi.op(cmd="<show><object><registered-ip><all/></registered-ip></object></show>")
    found = {}
    for entry in xapi.element_root.findall("./result/entry"):
        tags = {m.text for m in entry.findall("./tag/member")}
        if tag is None or tag in tags:
            found[entry.get("ip")] = tags
    return found


def wrong_ca(tmp_path: Path) -> str:
    """A CA that did not sign the emulator's certificate."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Not the emulator CA")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    path = tmp_path / "wrong-ca.pem"
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return str(path)


def calls(emu: Any) -> dict[str, int]:
    """The requests by type (connections and requests in flight are test_connections.py's)."""
    return {k: v for k, v in emu.counters().items() if v and k not in ("connections", "max_in_flight", "refused")}


@pytest.fixture
def dag(module_call: Any, provider: dict[str, Any]) -> Any:
    """Run dag_register in-process against the emulator; returns its result (``failed`` always set).

    Through Ansible itself: pytest-ansible in test_dynamic_address_group_and_dag_info, ansible-playbook below.
    """
    def run(**args: Any) -> dict[str, Any]:
        args.setdefault("provider", provider)
        return module_call("dag_register", args)

    return run


# -- in-process --------------------------------------------------------------------------------------

def test_present_registers_once_and_is_idempotent(dag: Any, emu: Any, xapi: Any) -> None:
    emu.reset_counters()
    ips = ["10.0.0.1", "10.0.0.2", "2001:DB8::5"]
    result = dag(ips=ips, tags=["quota"], timeout=300)
    assert not result.get("failed"), result
    assert result["changed"] is True
    assert result["registered"] == ["10.0.0.1", "10.0.0.2", "2001:db8::5"]
    assert result["unchanged"] == 0 and result["failed_entries"] == []
    # one keygen, show system info (a firewall, not Panorama), one read, one uid-message
    assert calls(emu) == {"keygen": 1, "op": 2, "user-id": 1, "total": 4}
    assert result["api_calls"] == 4
    assert set(registered(xapi)) == {"10.0.0.1", "10.0.0.2", "2001:db8::5"}

    emu.reset_counters()
    again = dag(ips=ips, tags=["quota"], timeout=300)
    assert again["changed"] is False and again["unchanged"] == 3 and again["registered"] == []
    assert calls(emu) == {"keygen": 1, "op": 2, "total": 3}


def test_timeout_expires_on_the_emulator_clock(dag: Any, emu: Any, xapi: Any) -> None:
    dag(ips=["10.0.1.1"], tags=["quota"], timeout=120)
    dag(ips=["10.0.1.2"], tags=["quota"])  # no timeout: never expires
    emu.advance(60)
    assert set(registered(xapi)) == {"10.0.1.1", "10.0.1.2"}
    emu.advance(61)
    assert set(registered(xapi)) == {"10.0.1.2"}
    # expired means absent: registering again is a change
    assert dag(ips=["10.0.1.1"], tags=["quota"], timeout=120)["changed"] is True


def test_absent_unregisters_only_the_given_tags(dag: Any, emu: Any, xapi: Any) -> None:
    dag(ips=["10.0.2.1", "10.0.2.2"], tags=["quota", "keep"])
    result = dag(ips=["10.0.2.1", "10.0.2.9"], tags=["quota"], state="absent")
    assert result["changed"] is True
    assert result["unregistered"] == ["10.0.2.1"] and result["unchanged"] == 1
    assert registered(xapi, "quota") == {"10.0.2.2": {"quota", "keep"}}
    assert registered(xapi, "keep") == {"10.0.2.1": {"keep"}, "10.0.2.2": {"quota", "keep"}}
    assert dag(ips=["10.0.2.1"], tags=["quota"], state="absent")["changed"] is False


def test_exact_replaces_the_set_in_one_message(dag: Any, emu: Any, xapi: Any) -> None:
    dag(ips=["10.0.3.1", "10.0.3.2", "10.0.3.3"], tags=["feed"])
    emu.reset_counters()
    result = dag(ips=["10.0.3.3", "10.0.3.4"], tags=["feed"], state="exact", timeout=3600)
    assert result["registered"] == ["10.0.3.4"]
    assert result["unregistered"] == ["10.0.3.1", "10.0.3.2"]
    assert result["unchanged"] == 1 and result["uid_messages"] == 1
    assert calls(emu) == {"keygen": 1, "op": 2, "user-id": 1, "total": 4}
    assert set(registered(xapi, "feed")) == {"10.0.3.3", "10.0.3.4"}
    assert dag(ips=["10.0.3.4", "10.0.3.3"], tags=["feed"], state="exact")["changed"] is False


def test_hostile_tag_names_stay_literal(dag: Any, emu: Any, xapi: Any) -> None:
    result = dag(ips=["10.0.4.1"], tags=[HOSTILE, "quota"])
    assert result["changed"] is True
    assert registered(xapi, HOSTILE) == {"10.0.4.1": {HOSTILE, "quota"}}
    assert dag(ips=["10.0.4.1"], tags=[HOSTILE])["changed"] is False


def test_chunking_and_paging(dag: Any, emu: Any, xapi: Any) -> None:
    ips = ["10.1.%d.%d" % (i // 250, i % 250 + 1) for i in range(1200)]
    emu.reset_counters()
    result = dag(ips=ips, tags=["bulk"], chunk_size=500)
    assert len(result["registered"]) == 1200 and result["uid_messages"] == 3
    assert calls(emu) == {"keygen": 1, "op": 2, "user-id": 3, "total": 6}
    emu.reset_counters()
    # show system info, then reading 1200 registrations pages by 500: 3 reads; nothing to write
    assert dag(ips=ips, tags=["bulk"])["changed"] is False
    assert calls(emu) == {"keygen": 1, "op": 4, "total": 5}


def test_invalid_input_is_refused_before_any_request(dag: Any, emu: Any) -> None:
    emu.reset_counters()
    result = dag(ips=["10.0.0.1", "10.0.0.0/24", "10.0.0.1-10.0.0.9", "fw.example.com", ""],
                 tags=["", "x" * 128], timeout=2592001)
    assert result["failed"] is True
    msg = result["msg"]
    for needle in ("'10.0.0.0/24' is a CIDR network", "'10.0.0.1-10.0.0.9' is an address range",
                   "'fw.example.com' is not an IP address", "item 5: an empty entry", "an empty tag",
                   "128 characters long", "timeout: 2592001"):
        assert needle in msg, needle
    assert calls(emu) == {}


def test_too_many_tags_is_refused(dag: Any, emu: Any) -> None:
    emu.reset_counters()
    result = dag(ips=["10.0.0.1"], tags=["t%d" % i for i in range(33)])
    assert result["failed"] is True and "33 tags given" in result["msg"]
    assert calls(emu) == {}


def test_partial_failure_is_reported_per_ip(dag: Any, emu: Any, xapi: Any) -> None:
    # 10.0.5.1 already holds the maximum of 32 tags: the firewall rejects one more
    dag(ips=["10.0.5.1"], tags=["full%d" % i for i in range(32)])
    result = dag(ips=["10.0.5.1", "10.0.5.2"], tags=["quota"])
    assert result["failed"] is True
    assert result["failed_entries"] == [{"ip": "10.0.5.1", "section": "register",
                                         "message": result["failed_entries"][0]["message"]}]
    assert "maximum" in result["failed_entries"][0]["message"]
    assert result["registered"] == ["10.0.5.2"]
    assert "rejected 1 entry" in result["msg"] and "10.0.5.1" in result["msg"]
    assert set(registered(xapi)) == {"10.0.5.2"}


def test_retries_after_http_500(dag: Any, emu: Any, xapi: Any) -> None:
    emu.inject_fault("user-id", "http500", count=2)
    emu.reset_counters()
    result = dag(ips=["10.0.6.1"], tags=["quota"])
    assert result["changed"] is True and not result.get("failed")
    assert calls(emu) == {"keygen": 1, "op": 2, "user-id": 3, "total": 6}
    assert result["api_calls"] == 6
    assert set(registered(xapi)) == {"10.0.6.1"}


def test_gives_up_after_bounded_retries(dag: Any, emu: Any) -> None:
    emu.inject_fault("op", "http503", count=10)
    emu.reset_counters()
    result = dag(ips=["10.0.6.2"], tags=["quota"])
    assert result["failed"] is True
    assert "HTTP 503" in result["msg"] and "4 attempts" in result["msg"]
    assert calls(emu) == {"keygen": 1, "op": 4, "total": 5}


def test_session_timeout_code_22_is_retried(dag: Any, emu: Any) -> None:
    emu.inject_fault("op", "panos-error", count=1, code=22, message="Session timed out")
    result = dag(ips=["10.0.6.3"], tags=["quota"])
    assert result["changed"] is True


def test_certificate_refused_with_a_wrong_ca(dag: Any, emu: Any, provider: dict[str, Any], tmp_path: Path) -> None:
    emu.reset_counters()
    result = dag(provider={**provider, "ca_path": wrong_ca(tmp_path)}, ips=["10.0.7.1"], tags=["quota"])
    assert result["failed"] is True
    assert "certificate" in result["msg"] and "in ca_path (the playbooks' panos_ca_path" in result["msg"]
    assert "validate_certs" in result["msg"]
    assert calls(emu) == {}  # refused during the TLS handshake: the password was never sent
    assert provider["password"] not in json.dumps(result)


def test_validate_certs_false_connects(dag: Any, emu: Any, provider: dict[str, Any]) -> None:
    unverified = {k: v for k, v in provider.items() if k != "ca_path"}
    result = dag(provider={**unverified, "validate_certs": False}, ips=["10.0.7.2"], tags=["quota"])
    assert result["changed"] is True


def test_bad_password(dag: Any, emu: Any, provider: dict[str, Any]) -> None:
    result = dag(provider={**provider, "password": "wrong-Pa55"}, ips=["10.0.7.3"], tags=["quota"])
    assert result["failed"] is True
    assert "refused the credentials" in result["msg"] and "provider.password" in result["msg"]
    assert "wrong-Pa55" not in json.dumps(result)


def test_api_key_instead_of_password(dag: Any, emu: Any, provider: dict[str, Any], xapi: Any) -> None:
    emu.reset_counters()
    keyed = {k: v for k, v in provider.items() if k not in ("password", "username")}
    result = dag(provider={**keyed, "api_key": xapi.api_key}, ips=["10.0.7.4"], tags=["quota"])
    assert result["changed"] is True and result["api_calls"] == 3
    assert calls(emu) == {"op": 2, "user-id": 1, "total": 3}
    assert xapi.api_key not in json.dumps(result)


def test_no_reply_within_timeout(dag: Any, emu: Any, provider: dict[str, Any]) -> None:
    emu.inject_fault("op", "hang", count=1, seconds=5)
    result = dag(provider={**provider, "timeout": 2}, ips=["10.0.7.5"], tags=["quota"])
    assert result["failed"] is True
    assert "127.0.0.1:%s" % provider["port"] in result["msg"] and "raise api_timeout" in result["msg"]


# -- check mode, and through the ansible CLI -----------------------------------------------------

def test_check_mode_and_diff_change_nothing(emu: Any, provider: dict[str, Any], xapi: Any, module_call: Any) -> None:
    args = {"provider": provider, "ips": ["10.0.8.1"], "tags": ["quota"]}
    module_call("dag_register", {**args, "ips": ["10.0.8.9"]})
    emu.reset_counters()
    result = module_call("dag_register", {**args, "state": "exact"}, "--check", "--diff")
    assert result["changed"] is True
    assert result["registered"] == ["10.0.8.1"] and result["unregistered"] == ["10.0.8.9"]
    assert calls(emu) == {"keygen": 1, "op": 2, "total": 3}  # no user-id request
    assert set(registered(xapi)) == {"10.0.8.9"}
    assert "10.0.8.9" in str(result["diff"]["before"]) and "10.0.8.1" in str(result["diff"]["after"])


@pytest.mark.playbook
def test_secrets_never_in_verbose_output(emu: Any, provider: dict[str, Any], xapi: Any, tmp_path: Path) -> None:
    """ansible-playbook -vvvv --diff, a task per path a secret could leak through (two runs, not one per path)."""
    password, key = provider["password"], xapi.api_key
    cases = [
        {"provider": provider, "ips": ["10.0.9.4"], "tags": ["quota"]},  # user-id faults beyond the retries
        {"provider": provider, "ips": ["10.0.9.1"], "tags": ["quota"]},  # success (keygen)
        {"provider": provider, "ips": ["10.0.9.1", "bad/ip"], "tags": ["quota"]},  # invalid input
        {"provider": {**provider, "ca_path": wrong_ca(tmp_path)}, "ips": ["10.0.9.2"], "tags": ["quota"]},
        {"provider": {**provider, "password": None, "api_key": key}, "ips": ["10.0.9.3"], "tags": ["quota"]},
    ]
    tasks = [{"name": "Case %d" % number, MODULE: args, "ignore_errors": True} for number, args in enumerate(cases)]
    book = tmp_path / "secrets.yml"
    book.write_text(json.dumps([{"name": "Secrets", "hosts": "localhost", "connection": "local", "gather_facts": False,
                                 "tasks": tasks}]))
    # the first task's user-id requests all fail (the connection's bounded retries), the next one's first
    emu.inject_fault("user-id", "http500", count=5)
    proc = playbook(book, "-vvvv", "--diff")
    text = proc.stdout + proc.stderr
    assert re.search(r"localhost\s+: ok=5\s+changed=\d+\s+unreachable=0\s+failed=0\s+skipped=0\s+rescued=0\s+ignored=3",
                     text), re.findall(r"^localhost +:.*$|^fatal.*$|^ok: .*$|^changed: .*$", text, re.M)
    # from the controller's environment too (a task's environment keyword would show in Ansible's own EXEC line)
    book.write_text(json.dumps([{"name": "Secrets", "hosts": "localhost", "connection": "local", "gather_facts": False,
                                 "tasks": [{"name": "From the environment", MODULE: {"ips": ["10.0.9.5"], "tags": ["quota"]}}]}]))
    proc = playbook(book, "-vvvv", env=panos_env(provider))
    assert proc.returncode == 0, proc.stdout[-3000:]
    text += proc.stdout + proc.stderr
    assert "AnsiballZ" in text or "EXEC" in text  # really verbose
    assert password not in text
    assert key not in text


# -- through ansible-playbook ---------------------------------------------------------------------

PLAYBOOK = """\
---
- name: Dag_register through ansible-playbook
  hosts: localhost
  connection: local
  gather_facts: false
  module_defaults:
    group/tagwarden.panos.firewall:
      provider:
        ip_address: "{{ lookup('ansible.builtin.env', 'PANOS_IP_ADDRESS') }}"
        port: "{{ lookup('ansible.builtin.env', 'PANOS_PORT') | int }}"
        username: "{{ lookup('ansible.builtin.env', 'PANOS_USERNAME') }}"
        password: "{{ lookup('ansible.builtin.env', 'PANOS_PASSWORD') }}"
        ca_path: "{{ lookup('ansible.builtin.env', 'PANOS_CA_PATH') }}"
  tasks:
    - name: Register
      tagwarden.panos.dag_register:
        ips: [10.0.10.1, 10.0.10.2]
        tags: [quota]
        timeout: 600
      register: first

    - name: Register again
      tagwarden.panos.dag_register:
        ips: [10.0.10.1, 10.0.10.2]
        tags: [quota]
        timeout: 600
      register: second

    - name: Exact, in check mode
      tagwarden.panos.dag_register:
        ips: [10.0.10.3]
        tags: [quota]
        state: exact
      check_mode: true
      register: checked

    - name: Partial failure is reported, not fatal here
      tagwarden.panos.dag_register:
        ips: ["{{ full_ip }}", 10.0.10.4]
        tags: [quota]
      register: partial
      ignore_errors: true

    - name: Check the results
      ansible.builtin.assert:
        that:
          - first is changed
          - first.registered == ['10.0.10.1', '10.0.10.2']
          - second is not changed
          - second.unchanged == 2
          - checked is changed
          - checked.unregistered == ['10.0.10.1', '10.0.10.2']
          - checked.registered == ['10.0.10.3']
          - partial is failed
          - partial.failed_entries | map(attribute='ip') | list == [full_ip]
          - partial.registered == ['10.0.10.4']
"""


@pytest.mark.playbook
def test_playbook_with_module_defaults(emu: Any, provider: dict[str, Any], xapi: Any, tmp_path: Path) -> None:
    full_ip = "10.0.10.99"
    tags = "".join("<member>f%d</member>" % i for i in range(32))
    xapi.user_id(cmd="<uid-message><type>update</type><payload><register><entry ip=\"%s\"><tag>%s</tag>"
                     "</entry></register></payload></uid-message>" % (full_ip, tags))
    book = tmp_path / "play.yml"
    book.write_text(PLAYBOOK)
    emu.reset_counters()
    proc = playbook(book, "-vvvv", "-e", "full_ip=%s" % full_ip, env=panos_env(provider))
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output[-4000:]
    assert re.search(r"localhost\s+: ok=5\s+changed=\d+\s+unreachable=0\s+failed=0", output), output[-2000:]
    # keygen + system info + read + write, keygen + system info + read (twice), keygen + system info + read + write
    assert calls(emu) == {"keygen": 4, "op": 8, "user-id": 2, "total": 14}
    assert set(registered(xapi)) == {"10.0.10.1", "10.0.10.2", "10.0.10.4"}
    assert provider["password"] not in output and xapi.api_key not in output


@pytest.mark.playbook
def test_playbook_expiry_and_exact(emu: Any, provider: dict[str, Any], xapi: Any, tmp_path: Path) -> None:
    book = tmp_path / "expire.yml"
    book.write_text(textwrap.dedent("""\
        ---
        - name: Expiry
          hosts: localhost
          connection: local
          gather_facts: false
          tasks:
            - name: Register for two minutes
              tagwarden.panos.dag_register:
                ips: "{{ ips }}"
                tags: [quota, "{{ hostile }}"]
                timeout: 120
                state: exact
        """))
    ips = json.dumps({"ips": ["10.0.11.%d" % i for i in range(1, 21)]})
    hostile = json.dumps({"hostile": HOSTILE})
    proc = playbook(book, "-e", ips, "-e", hostile, env=panos_env(provider))
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
    assert len(registered(xapi, HOSTILE)) == 20
    emu.advance(121)
    assert registered(xapi, None) == {}


def test_pan_python_sees_the_same_registrations(dag: Any, emu: Any, firewall: Any) -> None:
    """pan-os-python (as paloaltonetworks.panos reads) agrees with what the module wrote."""
    dag(ips=["10.0.12.1", "10.0.12.2"], tags=["quota"])
    firewall.xapi.ssl_context = ssl.create_default_context(cafile=emu.info["ca_file"])
    assert set(firewall.userid.get_registered_ip(tags="quota")) == {"10.0.12.1", "10.0.12.2"}


def test_dynamic_address_group_and_dag_info(dag: Any, ansible_adhoc: Any, tmp_path: Path, emu: Any,
                                            provider: dict[str, Any]) -> None:
    """The demo's helpers: create the group (one partial commit), then read its members."""
    inventory = tmp_path / "inventory"
    inventory.write_text("localhost ansible_connection=local ansible_python_interpreter=%s\n" % sys.executable)
    host = ansible_adhoc(inventory=str(inventory), connection="local", host_pattern="localhost").localhost

    # pytest-ansible's dispatchers share their options: look the module up right before each call
    def group(**args: Any) -> Any:
        return getattr(host, "tagwarden.panos.dynamic_address_group")(**args)

    def info(**args: Any) -> Any:
        return getattr(host, "tagwarden.panos.dag_info")(**args)

    emu.reset_counters()
    created = dict(group(provider=provider, name="bob's group", filter="'quota'", tags=["quota"])["localhost"])
    assert created["changed"] is True and created["commit"]["result"] == "OK", created
    assert calls(emu)["commit"] == 1
    again = dict(group(provider=provider, name="bob's group", filter="'quota'", tags=["quota"])["localhost"])
    assert again["changed"] is False and "commit" not in again
    dag(ips=["10.0.13.2", "10.0.13.1"], tags=["quota"])
    members = dict(info(provider=provider, name="bob's group")["localhost"])
    assert members["members"] == {"bob's group": ["10.0.13.1", "10.0.13.2"]}
    assert members["api_calls"] == 3
