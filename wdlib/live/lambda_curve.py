"""Dashboard "lambda_curve": not built yet (see the dashboards issue)."""
