"""Side-by-side benchmarks of CamHub against Home Assistant's own `mjpeg` and `generic` cameras.

Scripts, not tests: `python -m benchmarks [--size small|large]` (or `scripts/bench`) starts
the simulator and a real Home Assistant (each its own process), configures CamHub and the
core cameras on the same simulated source through the real config flows, measures, and
writes `benchmarks/results.md` and `benchmarks/results.json`. Figures are ratios taken in
the same run, so they hold on a noisy machine better than absolute numbers do.
"""
