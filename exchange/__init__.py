"""Hand-over between two Homecoming deployments (provinces): signed packets. Imports no webapp."""
