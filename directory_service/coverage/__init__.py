"""Coverage of the collection: figures computed from the directory, collection rounds, the
yearly report. May import importing (address checks), directory, exports and below."""
