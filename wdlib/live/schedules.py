"""Dashboard "schedules": not built yet (see the dashboards issue)."""
