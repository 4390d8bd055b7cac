"""Export the manuscript (Markdown, plain text, EPUB, Word) without generating or changing anything."""
