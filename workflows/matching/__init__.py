"""Finding a victim already known to another case, on keyed digests only, and the police's
decisions on the possible matches."""
