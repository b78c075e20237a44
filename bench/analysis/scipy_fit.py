#!/usr/bin/python3
"""The same fit with scipy's L-BFGS-B (the peer): Huber(delta=1e-3) on
LSE(a - alpha log N, b - beta log D, e) - log L, analytic gradient, the same
4500 starts; prints time and the lowest objective.

usage: scipy_fit.py POINTS.csv
"""
import itertools
import sys
import time

import numpy as np
from scipy.optimize import minimize
from scipy.special import logsumexp

data = np.loadtxt(sys.argv[1], delimiter=",", skiprows=1)
ln, ld, ll = np.log(data[:, 0]), np.log(data[:, 1]), np.log(data[:, 2])
delta = 1e-3


def objective(theta):
    a, b, e, alpha, beta = theta
    t = np.stack([a - alpha * ln, b - beta * ld, np.full_like(ln, e)])
    lse = logsumexp(t, axis=0)
    r = lse - ll
    absr = np.abs(r)
    f = np.where(absr <= delta, 0.5 * r * r, delta * (absr - 0.5 * delta)).sum()
    h = np.clip(r, -delta, delta)
    w = np.exp(t - lse)
    g = np.array([(h * w[0]).sum(), (h * w[1]).sum(), (h * w[2]).sum(), -(h * w[0] * ln).sum(),
                  -(h * w[1] * ld).sum()])
    return f, g


starts = [(a, b, e, al, be) for a, b, e, al, be in itertools.product(
    np.arange(0, 30, 5), np.arange(0, 30, 5), np.arange(-1, 1.5, 0.5), np.arange(0, 2.5, 0.5), np.arange(0, 2.5, 0.5))]
t0, c0 = time.perf_counter(), time.process_time()
best = None
for s in starts:
    res = minimize(objective, np.array(s, dtype=float), jac=True, method="L-BFGS-B")
    if np.isfinite(res.fun) and (best is None or res.fun < best.fun):
        best = res
dt, cpu = time.perf_counter() - t0, time.process_time() - c0
a, b, e, alpha, beta = best.x
print(f"scipy  L-BFGS-B   points {len(ln)} starts {len(starts)}  {dt:.2f} s (cpu {cpu:.2f} s)  objective {best.fun:.9g}  "
      f"A {np.exp(a):.2f} B {np.exp(b):.2f} E {np.exp(e):.4f} alpha {alpha:.4f} beta {beta:.4f}")
