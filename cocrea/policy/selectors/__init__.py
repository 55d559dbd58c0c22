"""Reads of the policy app, one module per concern; import from the submodules."""
