"""The evaluation of the plan: roll-ups kept with casework, the figures read from them, small
cells suppressed, evaluations frozen and exported. Pure domain: no Flask request objects."""
