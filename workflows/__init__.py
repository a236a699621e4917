"""The diagrams and the engine around SpiffWorkflow (the only package that imports it)."""
