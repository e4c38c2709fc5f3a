"""The local web server for phones (``voice-coach serve``): pages, a podcast feed and exports made on demand
through the library's API. Every URL starts with the server's token; nothing a request sends writes anywhere
but the export cache."""
