"""Import agency staff lists: read, normalise and validate, plan against the directory, apply."""
