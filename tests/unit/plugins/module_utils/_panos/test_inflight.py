"""The per-management-plane request slots (flock files): held, refused when all are busy, per host:port."""

import os
import threading

import pytest

from ansible_collections.tagwarden.panos.plugins.module_utils._panos._client import FirewallConnection
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._errors import FirewallError
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._inflight import InFlightLimit, SlotTimeout


def limit(tmp_path, host="panorama", port=443, slots=2, wait=0.0):
    return InFlightLimit(host, port, slots, wait, directory=str(tmp_path))


def test_no_more_than_the_limit_are_held_across_holders(tmp_path):
    first, second, third = limit(tmp_path), limit(tmp_path), limit(tmp_path)
    with first.slot(), second.slot():
        with pytest.raises(SlotTimeout) as info:
            with third.slot():
                pass
        assert "all 2 request slots of panorama:443" in str(info.value)
    with third.slot():
        pass  # free again


def test_other_management_planes_are_not_throttled(tmp_path):
    holders = [limit(tmp_path) for _holder in range(2)]
    with holders[0].slot(), holders[1].slot():
        for other in (limit(tmp_path, host="fw-1"), limit(tmp_path, port=8443)):
            with other.slot():
                pass


def test_a_slot_directory_others_can_write_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr("tempfile.gettempdir", lambda: str(tmp_path))
    shared = tmp_path / ("tagwarden.panos-%d" % os.getuid())
    shared.mkdir(mode=0o777)
    shared.chmod(0o777)
    with pytest.raises(FirewallError) as info:
        with InFlightLimit("panorama", 443, 5, 0.0).slot():
            pass
    assert info.value.kind == "settings" and str(shared) in str(info.value)


def test_zero_means_no_limit(tmp_path):
    unlimited = [limit(tmp_path, slots=0) for _holder in range(3)]
    with unlimited[0].slot(), unlimited[1].slot(), unlimited[2].slot():
        assert list(tmp_path.iterdir()) == []


def test_many_threads_never_exceed_the_limit(tmp_path):
    lock = threading.Lock()
    state = {"now": 0, "most": 0}

    def work():
        gate = limit(tmp_path, slots=3, wait=60)
        for _request in range(20):
            with gate.slot():
                with lock:
                    state["now"] += 1
                    state["most"] = max(state["most"], state["now"])
                with lock:
                    state["now"] -= 1

    threads = [threading.Thread(target=work) for _thread in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert 1 <= state["most"] <= 3


@pytest.mark.parametrize("value", [-1, 101, "many"])
def test_max_in_flight_is_checked(value):
    with pytest.raises(FirewallError) as info:
        FirewallConnection({"ip_address": "fw", "api_key": "K", "max_in_flight": value})
    assert "max_in_flight" in str(info.value) and info.value.kind == "settings"
