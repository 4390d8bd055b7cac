"""Generation workflows: each asks for a context, renders a prompt, streams, checks and keeps."""
