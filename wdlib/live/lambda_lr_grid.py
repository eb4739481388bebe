"""Dashboard "lambda_lr_grid": not built yet (see the dashboards issue)."""
