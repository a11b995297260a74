"""The plan model: plans, measures, KPIs and fiscal years."""
