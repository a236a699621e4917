"""Task forms: one WTForms class per step of the pathway, and the registry of form keys."""
