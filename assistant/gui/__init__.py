"""The desktop wizard: the only package that imports PySide6.

It holds no protocol logic of its own. Pages read and write the Qt-free flow state (`assistant.core.flow`),
every slow call (network, key generation, the keyring) runs on the one worker (`worker.Worker`), and what the
engine reports as a `JiraProblem` is shown on the page that caused it, with its finding code and remedy.
"""
