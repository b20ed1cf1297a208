"""The emulated device: its platform (model and capacities) and software version, set at start."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Platform:
    """A firewall model as ``show system info`` names it, with the capacities the emulator enforces."""

    model: str
    family: str
    max_registered_ips: int
    max_sessions: int
    vm_license: str | None = None


# Registered-IP capacities: PAN-OS docs, "Use Dynamic Address Groups in Policy" (maximum registered IP
# addresses per model). Session capacities are the datasheets' order of magnitude, only shown.
_VM = "vm"
PLATFORMS: dict[str, Platform] = {
    "VM-50": Platform("PA-VM", _VM, 1_000, 50_000, "VM-50"),
    "VM-100": Platform("PA-VM", _VM, 2_500, 250_000, "VM-100"),
    "VM-300": Platform("PA-VM", _VM, 200_000, 819_200, "VM-300"),
    "VM-500": Platform("PA-VM", _VM, 300_000, 2_000_000, "VM-500"),
    "VM-700": Platform("PA-VM", _VM, 300_000, 10_000_000, "VM-700"),
    "PA-220": Platform("PA-220", "200", 1_000, 64_000),
    "PA-410": Platform("PA-410", "400", 1_000, 64_000),
    "PA-440": Platform("PA-440", "400", 50_000, 200_000),
    "PA-450": Platform("PA-450", "400", 100_000, 300_000),
    "PA-460": Platform("PA-460", "400", 100_000, 400_000),
    "PA-820": Platform("PA-820", "800", 1_000, 128_000),
    "PA-850": Platform("PA-850", "800", 2_500, 192_000),
    "PA-3220": Platform("PA-3220", "3200", 200_000, 1_000_000),
    "PA-3410": Platform("PA-3410", "3400", 150_000, 1_400_000),
    "PA-3440": Platform("PA-3440", "3400", 200_000, 2_800_000),
    "PA-5220": Platform("PA-5220", "5200", 500_000, 4_000_000),
    "PA-5430": Platform("PA-5430", "5400", 500_000, 12_000_000),
    "PA-5450": Platform("PA-5450", "5400", 100_000, 100_000_000),
    "PA-7050": Platform("PA-7050", "7000", 100_000, 40_000_000),
}
# Panorama itself (--panorama): not a firewall model, so not offered by --model.
PANORAMA = "Panorama"
_DEVICES = {**PLATFORMS, PANORAMA: Platform("Panorama", "pc", 500_000, 0)}
DEFAULT_PLATFORM = "VM-300"
DEFAULT_SW_VERSION = "10.2.9"
SERIAL = "007951000123456"


@dataclass(frozen=True)
class Device:
    """What the emulator was started as: ``--model`` and ``--sw-version``."""

    platform_name: str = DEFAULT_PLATFORM
    sw_version: str = DEFAULT_SW_VERSION
    serial: str = SERIAL

    def __post_init__(self) -> None:
        if self.platform_name not in _DEVICES:
            raise ValueError(f"unknown model {self.platform_name!r}; known: {', '.join(PLATFORMS)}")
        parts = self.sw_version.split(".")
        if len(parts) < 2 or not all(p.split("-")[0].isdigit() for p in parts):
            raise ValueError(f"sw-version {self.sw_version!r} is not like 10.2.9")

    @property
    def platform(self) -> Platform:
        return _DEVICES[self.platform_name]

    @property
    def is_panorama(self) -> bool:
        return self.platform_name == PANORAMA

    @property
    def version(self) -> tuple[int, ...]:
        """``10.2.9-h1`` -> (10, 2, 9)."""
        return tuple(int(p.split("-")[0]) for p in self.sw_version.split("."))
