"""Intelligence pipeline: pure stages from raw bytes to extracted facts."""
