"""Web side of the monitor: fetching, discovery and article extraction. Knows nothing of storage."""
