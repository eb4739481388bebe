"""Models: an MLP of any depth and activation, the same with LayerNorm after each hidden layer
(``NormMLP``), and a small tanh RNN trained by BPTT.

Every model implements the ``Model`` interface (``models/base.py``): it holds only the
*architecture*; parameters live in a plain dict ``{"W1": ..., "b1": ..., ...}`` so that
optimizers, penalties and plots can treat them alike::

    m = MLP((2, 16, 16, 1), activation="tanh")
    params = m.init(seed=0)                              # W1 (2, 16), b1 (16,), ...
    value, grads = m.loss_and_grad(params, X, y, losses.mse)
    m.weight_keys                                        # ("W1", "W2", "W3"): decayed by default

K models at once: ``m.init(seed=[0, 1, 2])`` (or ``K=3``, or a length-3 ``scale``) gives every
parameter a leading K axis (``W1`` (3, 2, 16)); the data ``X`` stays shared, and
``X @ W`` broadcasts to ``(K, n, h)``. Model k is bit-for-bit what a single model with the k-th
seed and scale would be. To add a model, see CONTRIBUTING.md ("Adding a model").
"""

from wdlib.models.base import Model
from wdlib.models.mlp import ACTIVATIONS, MLP, linear
from wdlib.models.norm import NormMLP
from wdlib.models.rnn import RNN
from wdlib.naming import is_weight

__all__ = ["ACTIVATIONS", "MLP", "Model", "NormMLP", "RNN", "is_weight", "linear"]
