"""benchmarks/bench_soak.py's own judgement (no run): when a worker's memory counts as grown, and
when the soak fails. Synthetic samples: one a second, RSS in MB, with a heavy document now and
then (a scan's OCR) lifting one second far above the line."""

from __future__ import annotations

import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import bench_soak as bench

MB = 2**20


def _samples(level, minutes: float = 20, seed: int = 1, spikes: bool = True) -> list[tuple[float, int]]:
    """(t, rss) a second; ``level(t)`` the line in MB; +-3 % jitter; a spike of +150-250 MB every ~30 s."""
    rng = random.Random(seed)
    out = []
    for t in range(int(minutes * 60)):
        mb = level(t) * rng.uniform(0.97, 1.03)
        if spikes and rng.random() < 1 / 30:
            mb += rng.uniform(150, 250)
        out.append((float(t), int(mb * MB)))
    return out


def test_memory_that_keeps_climbing_grew():
    g = bench.memory_growth(_samples(lambda t: 500 + 0.6 * t))  # +36 MB a minute
    assert g.judged and g.grew
    assert "grew" in g.why


def test_a_slow_climb_hidden_by_nothing_grew():
    g = bench.memory_growth(_samples(lambda t: 600 + 0.25 * t, spikes=False))  # +15 MB a minute, 300 MB in all
    assert g.judged and g.grew


def test_flat_memory_with_heavy_documents_did_not_grow():
    for seed in range(20):
        g = bench.memory_growth(_samples(lambda t: 650, seed=seed))
        assert g.judged and not g.grew, (seed, g)


def test_a_step_then_flat_did_not_grow_wherever_the_step_falls():
    for step_min in (3, 6, 8, 10, 12, 15, 18):
        g = bench.memory_growth(_samples(lambda t, s=step_min: 550 if t < s * 60 else 800, seed=step_min))
        assert g.judged and not g.grew, (step_min, g)


def test_the_ocr_load_step_is_not_counted():
    """Models load at 5 min (+300 MB), then a slow settling: the line is flat after it."""
    level = lambda t: 450 if t < 300 else 750  # noqa: E731
    # without the load known, the step and a heap still settling just after it look like two rises
    settling = lambda t: level(t) + (120 if 300 <= t < 420 else 0) + (60 if 420 <= t < 480 else 0)  # noqa: E731
    samples = _samples(settling, minutes=14, spikes=False)
    assert not bench.memory_growth(samples, loads=[300.0]).grew
    assert bench.memory_growth(samples, loads=[300.0]).judged


def test_growth_after_the_ocr_load_still_counts():
    samples = _samples(lambda t: 450 if t < 120 else 750 + 0.6 * (t - 120), minutes=16)
    g = bench.memory_growth(samples, loads=[120.0])
    assert g.judged and g.grew


def test_a_short_life_is_not_judged():
    g = bench.memory_growth(_samples(lambda t: 500 + 2 * t, minutes=3.5))
    assert not g.judged and not g.grew
    assert "steady for" in g.why
    # a load in the middle of a 6-minute life: too little steady time on either side of it
    assert not bench.memory_growth(_samples(lambda t: 500, minutes=6), loads=[200.0]).judged
    # models loaded near the end of a long life: the stretch before the load is judged
    assert bench.memory_growth(_samples(lambda t: 500, minutes=10), loads=[480.0]).judged


def test_engine_loads_are_steps_not_growth_wherever_they_fall():
    """A worker that loads RapidOCR, then camelot and Tesseract, each a step up for good (the staircase
    the soak at 311b764 failed on): no growth; the stretches between the loads are judged."""
    for first, second in ((2, 7), (4, 11), (6, 13), (3, 16)):
        level = lambda t, a=first, b=second: 380 + (90 if t >= a * 60 else 0) + (60 if t >= b * 60 else 0)  # noqa: E731
        samples = _samples(level, minutes=20, seed=first)
        g = bench.memory_growth(samples, loads=[first * 60.0, second * 60.0])
        assert g.judged and not g.grew, (first, second, g)


def test_the_staircase_without_loads_known_is_growth():
    """Two steps a third apart and no engine load to explain them: what the rule must still catch."""
    samples = _samples(lambda t: 380 + (45 if t >= 420 else 0) + (45 if t >= 840 else 0), minutes=20, spikes=False)
    assert bench.memory_growth(samples).grew


def test_growth_between_engine_loads_still_counts():
    """A climb inside a stretch between two loads is growth, whatever the loads excuse."""
    samples = _samples(lambda t: 450 if t < 60 else 600 + 0.6 * (t - 60), minutes=20)
    g = bench.memory_growth(samples, loads=[60.0, 1100.0])
    assert g.judged and g.grew


def test_stretches_too_short_between_loads_are_not_judged():
    g = bench.memory_growth(_samples(lambda t: 500, minutes=10), loads=[150.0, 300.0, 450.0])
    assert not g.judged
    assert "between loads" in g.why


def test_the_writer_is_judged_and_named():
    grown = {7: bench.Growth(True, True, why="grew: 230 MB, then over 260, then over 300", role="writer"),
             1: bench.Growth(True, False)}
    (line,) = bench.failures(*_result(), grown)
    assert line.startswith("memory grew: writer 7: grew")
    # a judged writer does not stand in for the workers
    (line,) = bench.failures(*_result(), {7: bench.Growth(True, False, role="writer"), 1: bench.Growth(False, False)})
    assert line.startswith("memory not judged")


def test_engine_libraries_are_found_in_a_process_map():
    """The soak sees an engine loaded by its library in /proc/<pid>/maps (compared with what is
    really mapped in this process, whichever engines earlier tests loaded)."""
    import os

    maps = Path(f"/proc/{os.getpid()}/maps").read_text(encoding="utf-8", errors="replace")
    want = [e for e, lib in bench.ENGINES.items() if lib in maps]
    assert bench._loaded(os.getpid(), list(bench.ENGINES)) == want
    assert bench._loaded(2**22 + 12345, list(bench.ENGINES)) == []  # no such process


def _result(**over) -> tuple[dict, dict]:
    check = {"missing": [], "extra": [], "twice": [], "e_internal": 0, "good_incomplete": [],
             "hostile_unexpected": []}
    res = {"segments": [{"killed": True, "exit": -9}] * 3 + [{"killed": False, "exit": 0}], "kills": 3,
           "orphans": [0, 0, 0], "read_waits": [0.2, 1.5], "read_failures": []}
    for k, v in over.items():
        (check if k in check else res)[k] = v
    return check, res


def test_the_soak_fails_on_growth_and_names_the_worker():
    steady = {1: bench.Growth(True, False), 2: bench.Growth(False, False)}
    assert bench.failures(*_result(), steady) == []
    grown = {**steady, 3: bench.memory_growth(_samples(lambda t: 500 + 0.6 * t))}
    (line,) = bench.failures(*_result(), grown)
    assert line.startswith("memory grew: worker 3: grew")


def test_the_soak_fails_when_no_worker_could_be_judged():
    (line,) = bench.failures(*_result(), {1: bench.Growth(False, False)})
    assert line.startswith("memory not judged")


def test_the_soak_fails_on_each_other_check():
    steady = {1: bench.Growth(True, False)}
    for over in ({"twice": ["a.pdf"]}, {"missing": ["b.pdf"]}, {"e_internal": 1},
                 {"good_incomplete": [("c.docx", "ok None", 2)]}, {"hostile_unexpected": [("d", "ok", None, "f", "E")]},
                 {"orphans": [0, 1, 0]}, {"read_waits": [0.3, 12.0]}, {"read_failures": ["DatabaseBusy: held"]},
                 {"segments": [{"killed": True, "exit": -9}, {"killed": False, "exit": 0}]},
                 {"segments": [{"killed": True, "exit": -9}] * 3 + [{"killed": False, "exit": 2}]}):
        assert len(bench.failures(*_result(**over), steady)) == 1, over
