"""一窗综办 (one-window service)."""
