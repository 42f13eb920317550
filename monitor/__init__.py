"""The application: configuration, topic rules, the crawl pipeline, alerts, scheduler and CLI."""

__version__ = "0.1.0"
