"""An independent oracle for the optimizer tests.

Straight transcriptions of the update algorithms printed in the PyTorch documentation
(torch.optim.SGD, Adam, AdamW) and in the AdamW paper (SGDW, AdamW), written as a plain NumPy
loop over steps and parameters, with no code shared with wdlib. Plus two small test problems
and ``require_torch``.
"""

from __future__ import annotations

import os

import numpy as np
import pytest


def require_torch():
    """Import torch; skip the test if it is missing, but fail when the CI variable is "true"
    (the CI image installs torch, so a missing torch there is a broken setup, not a skip)."""
    try:
        import torch
    except ImportError as err:
        if os.environ.get("CI") == "true":
            pytest.fail(f"torch is required when CI=true but cannot be imported: {err}")
        pytest.skip("torch is not installed")
    return torch


def _value(h, t):
    """lr at step t (t = 0, 1, ...): a number or a function of the step."""
    return h(t) if callable(h) else h


def sgd_reference(grad_fn, params, steps, lr, momentum=0.0, dampening=0.0, nesterov=False,
                  weight_decay=0.0):
    """torch.optim.SGD docs, algorithm box. Returns the list of params after each step."""
    theta = {k: np.array(v, dtype=np.float64) for k, v in params.items()}
    b = {}
    history = []
    for t in range(1, steps + 1):
        grads = grad_fn(theta)
        for k in theta:
            g = grads[k]
            if weight_decay != 0:
                g = g + weight_decay * theta[k]
            if momentum != 0:
                if t > 1:
                    b[k] = momentum * b[k] + (1 - dampening) * g
                else:
                    b[k] = g
                if nesterov:
                    g = g + momentum * b[k]
                else:
                    g = b[k]
            theta[k] = theta[k] - _value(lr, t - 1) * g
        history.append({k: v.copy() for k, v in theta.items()})
    return history


def adam_reference(grad_fn, params, steps, lr=1e-3, betas=(0.9, 0.999), eps=1e-8,
                   weight_decay=0.0, decoupled=False):
    """torch.optim.Adam docs (decoupled=False) and torch.optim.AdamW docs (decoupled=True)."""
    theta, m, v = _start(params)
    history = []
    for t in range(1, steps + 1):
        gamma = _value(lr, t - 1)
        grads = grad_fn(theta)
        for k in theta:
            g = grads[k]
            if decoupled:
                theta[k] = theta[k] - gamma * weight_decay * theta[k]
            elif weight_decay != 0:
                g = g + weight_decay * theta[k]
            theta[k] = theta[k] - gamma * _adam_direction(g, m, v, k, t, betas, eps)
        history.append({k: x.copy() for k, x in theta.items()})
    return history


def _start(params):
    """float64 copies of the parameters and two zero moment dicts."""
    theta = {k: np.array(v, dtype=np.float64) for k, v in params.items()}
    return theta, {k: np.zeros_like(x) for k, x in theta.items()}, {
        k: np.zeros_like(x) for k, x in theta.items()}


def _adam_direction(g, m, v, k, t, betas, eps):
    """Adam's moments for key k (updated in the dicts m, v) and m̂/(√v̂ + ε), as printed."""
    b1, b2 = betas
    m[k] = b1 * m[k] + (1 - b1) * g
    v[k] = b2 * v[k] + (1 - b2) * g**2
    return (m[k] / (1 - b1**t)) / (np.sqrt(v[k] / (1 - b2**t)) + eps)


def paper_reference(grad_fn, params, steps, lr, weight_decay, multiplier, decayed, momentum=0.0,
                    adam=False, betas=(0.9, 0.999), eps=1e-8):
    """Loshchilov & Hutter (arXiv 1711.05101), Algorithm 1 (SGDW: m_t = μ·m_{t−1} + η_t·α·g_t,
    θ_t = θ_{t−1} − m_t − η_t·λ·θ_{t−1}) and Algorithm 2 (AdamW: θ_t = θ_{t−1} −
    η_t·(α·m̂_t/(√v̂_t + ε) + λ·θ_{t−1})), with the decay on the keys in ``decayed`` only.
    Returns the list of params after each step."""
    theta, m, v = _start(params)
    history = []
    for t in range(1, steps + 1):
        eta = _value(multiplier, t - 1)
        grads = grad_fn(theta)
        for k in theta:
            lam = weight_decay if k in decayed else 0.0
            g = grads[k]
            if adam:
                u = _adam_direction(g, m, v, k, t, betas, eps)
                theta[k] = theta[k] - eta * (lr * u + lam * theta[k])
            else:
                m[k] = momentum * m[k] + eta * lr * g
                theta[k] = theta[k] - m[k] - eta * lam * theta[k]
        history.append({k: x.copy() for k, x in theta.items()})
    return history


# ---------------------------------------------------------------- test problems
def logistic_problem(seed=0, n=64, d=5):
    """Logistic regression on random data: (params0, grad_fn). grad_fn works on a single
    model (W (d,1), b (1,)) and on K stacked models (W (K,d,1), b (K,1))."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    y = (X @ rng.normal(size=(d, 1)) + 0.3 * rng.normal(size=(n, 1)) > 0).astype(np.float64)
    params = {"W": rng.normal(size=(d, 1)), "b": rng.normal(size=(1,))}

    def grad_fn(p):
        z = X @ p["W"] + p["b"][..., None, :]                   # (n, 1) or (K, n, 1)
        r = (1 / (1 + np.exp(-z)) - y) / n                      # dloss/dz of mean BCE
        return {"W": np.swapaxes(X, -1, -2) @ r, "b": r.sum(axis=-2)}

    return params, grad_fn


def quadratic_problem(seed=1, d=6):
    """f(θ) = ½ θᵀAθ − cᵀθ with A SPD and badly conditioned: (params0, grad_fn)."""
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.normal(size=(d, d)))
    A = Q @ np.diag(np.logspace(-2, 1, d)) @ Q.T
    c = rng.normal(size=d)
    params = {"w": rng.normal(size=d)}
    return params, lambda p: {"w": p["w"] @ A - c}
