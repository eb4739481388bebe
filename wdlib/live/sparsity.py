"""Dashboard "sparsity": not built yet (see the dashboards issue)."""
