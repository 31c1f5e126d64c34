"""The `second-opinion` command line: operators' and developers' entry point."""
