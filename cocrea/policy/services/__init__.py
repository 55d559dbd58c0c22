"""Writes of the policy app, one module per concern (drafts, action plans, responses);
import from the submodules."""
