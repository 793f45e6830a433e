"""The command handlers, by topic: each parses its values, calls one action and renders.

A handler takes the runner's ``Invocation`` and returns an exit code (None means 0); the
runner opens and closes the store and reports errors (see ``cli/run.py``).
"""
