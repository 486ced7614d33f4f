"""The Qt-free core: what the wizard and the headless commands both reason with.

Here live the Jira version and server facts, the catalogue of authentication methods (which Jira versions offer
them, which are legacy, and the admin's click-path for each), connector profiles, and credential generation
(RSA key pairs, consumer keys). Nothing here imports PySide6 or any other package of this project, so every
rule can be tested without a display and reused unchanged by the GUI and the CLI.
"""
