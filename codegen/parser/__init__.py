"""Stage 3: turn a validated schema into the one intermediate spec model."""
