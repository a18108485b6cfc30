"""Numeric and rigorous confirmation of the constructions' error bounds (issue 5).

- Evaluation: :func:`evaluate`, :func:`evaluate_error` (float64 for millions of points, mpmath at
  any precision) with the cancellation estimate and automatic precision planning
  (:func:`plan_precision`).
- Sweeps: :func:`sweep`, :func:`sweep_all` (measured error against the exact leading term of
  :mod:`symnet.series`, log-log slope, any ``concurrent.futures`` executor), :func:`optimal_scale`.
- Rigorous certificates: :func:`certify` proves sup over a box (or a finite set of points, e.g.
  :func:`corners`) of |network - target| <= eps in arb ball arithmetic (Taylor models with box
  subdivision), and :meth:`Certificate.check` re-verifies by an independent route.
- Plots (matplotlib optional): :func:`plot_sweep` (error against lam, log-log, with the
  predicted slope), :func:`plot_error_map` (heat map over a box); files written deterministically.
"""

from symnet.numeric._backends import (
    Evaluation,
    Float64Program,
    MpmathProgram,
    PrecisionPlan,
    PrecisionWarning,
    evaluate,
    evaluate_error,
    plan_precision,
)
from symnet.numeric._plots import plot_error_map, plot_sweep, save_figure
from symnet.numeric._rigorous import Cell, Certificate, certify, corners
from symnet.numeric._sweep import ScaleChoice, SweepResult, optimal_scale, sample_box, sweep, sweep_all

__all__ = [
    "Cell",
    "Certificate",
    "Evaluation",
    "Float64Program",
    "MpmathProgram",
    "PrecisionPlan",
    "PrecisionWarning",
    "ScaleChoice",
    "SweepResult",
    "certify",
    "corners",
    "evaluate",
    "evaluate_error",
    "optimal_scale",
    "plan_precision",
    "plot_error_map",
    "plot_sweep",
    "sample_box",
    "save_figure",
    "sweep",
    "sweep_all",
]
