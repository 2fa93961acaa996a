"""One module per ``annotator`` subcommand."""
