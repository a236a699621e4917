"""Documents attached to cases: checked by content, stored encrypted outside the web root."""
