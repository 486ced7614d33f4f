"""Jira Link Assistant: set up, prove, export and diagnose a link between an external application and Jira DC.

Layers point one way: ``gui`` → ``diagnostics``/``bundle`` → ``jira`` → ``core``. The ``sandbox`` is the
counterpart the rest talks to in tests and demos; it shares no code with the client side on purpose, so the
two cannot share a mistake.
"""

__version__ = "0.1.0"
PRODUCT_NAME = "Jira Link Assistant"
