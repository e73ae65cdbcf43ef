"""Documents (文书) shared by every app that issues one: the GB/T 9704 page layout, the wording machinery
that keeps an officer's edits apart from the facts, and the file archive."""
