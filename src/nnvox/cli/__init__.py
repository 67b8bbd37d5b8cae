"""The `nnvox` command: thin commands over the library."""
