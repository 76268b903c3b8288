"""Review tools: compare two descriptions (diff), release notes and versions, git revisions."""
