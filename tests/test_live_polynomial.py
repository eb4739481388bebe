"""Dashboard "polynomial": the λ = 0 reference line is the exact unregularized fit."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402

from wdlib import data, solvers  # noqa: E402
from wdlib.live.polynomial import Polynomial  # noqa: E402


def test_lambda_zero_line_is_the_unregularized_fit_and_differs_from_the_far_left():
    dash = Polynomial()
    ds = dash.data
    F, F_val = data.polynomial_features(ds.X, 12), data.polynomial_features(ds.X_val, 12)
    w, b = solvers.ridge(F, ds.y, 0.0)
    val0 = 0.5 * np.mean((F_val @ w + b - ds.y_val[:, 0]) ** 2)
    assert abs(dash.result["val_at_0"] - val0) < 1e-10
    np.testing.assert_allclose(dash.zero_line.get_ydata(), [val0, val0], rtol=1e-12)
    # the slider's far left (1e-7) is not λ = 0: on 20 points the weakest feature directions
    # carry less variance than 1e-7, so even this tiny λ regularizes (lesson 01 explains this)
    assert dash.result["val"][-1] < val0 / 2
    dash.close()
