"""Talking to Jira: the session factory, one adapter per authentication method, the interpretation of Jira's
answers, and the loopback receiver for the OAuth redirect.

Every request the product makes goes through `assistant.jira.session.open_session`, so trust, proxies,
timeouts and redirect handling are decided once rather than by each caller. Nothing here imports the sandbox:
the client and the server it is tested against must not share code, or they would share mistakes.
"""
