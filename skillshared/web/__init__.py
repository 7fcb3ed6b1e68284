"""The dashboard the daemon serves (`skillshare ui`): a loopback HTTP server, its guard,
its event stream and its actions. Loaded only when the dashboard is asked for."""
