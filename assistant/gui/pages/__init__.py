"""One module per wizard page; each page is thin: it loads from the shared state, runs jobs on its worker,
and writes back what it collected."""
