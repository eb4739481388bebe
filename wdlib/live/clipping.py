"""Dashboard "clipping": not built yet (see the dashboards issue)."""
