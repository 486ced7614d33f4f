"""Package data (connector profiles, JSON schemas) lives here so it ships inside the wheel and a frozen app.

Read it with `importlib.resources`, never by a path relative to the source tree, which a frozen app lacks.
"""
