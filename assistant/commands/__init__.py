"""One module per headless subcommand, each offering `add_arguments(parser)` and `run(args) -> int`.

Keeping each subcommand in its own module lets the CLI import only the one being run.
"""
