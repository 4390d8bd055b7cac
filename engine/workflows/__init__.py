"""Generation workflows: each asks for a context, renders a prompt and streams."""
