"""Dashboard "weight_decay": not built yet (see the dashboards issue)."""
