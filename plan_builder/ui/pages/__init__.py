"""One module per page of the planner's app; each exposes `render()`."""
