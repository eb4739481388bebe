"""Dashboard "depth_init": not built yet (see the dashboards issue)."""
