"""plan_builder: draft, check, store, review and export 官民データ活用推進計画."""

__version__ = "0.1.0"
