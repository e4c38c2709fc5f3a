"""The command line: click commands that parse options, call the library and format its results."""
