"""What the CPU can do: used to choose an embedding backend without importing any runtime."""

from __future__ import annotations

from functools import lru_cache

#: /proc/cpuinfo flags that mean the CPU computes bfloat16 matrix products natively
BF16_CPU_FLAGS = ("amx_bf16", "avx512_bf16")


@lru_cache(maxsize=1)
def cpu_flags() -> frozenset[str]:
    """The CPU feature flags from ``/proc/cpuinfo`` (empty where the file does not exist)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as fh:
            for line in fh:
                if line.startswith("flags"):
                    return frozenset(line.partition(":")[2].split())
    except OSError:
        pass
    return frozenset()


def cpu_supports_bf16() -> bool:
    """True when the CPU has native bf16 instructions (AMX or AVX512-BF16). Where
    ``/proc/cpuinfo`` is missing (macOS, Windows) ask OpenVINO, if installed."""
    flags = cpu_flags()
    if flags:
        return any(flag in flags for flag in BF16_CPU_FLAGS)
    try:
        import openvino as ov

        caps = ov.Core().get_property("CPU", "OPTIMIZATION_CAPABILITIES")
    except Exception:  # openvino missing or unable to query: assume no bf16
        return False
    return "BF16" in caps
