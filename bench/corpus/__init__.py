"""The corpus of public real-world OpenAPI specs and the scoreboard of what the generators make
of them (``make corpus``; ``python -m bench.corpus --help``)."""
